/**
 * The fuzz loop: runs seeded cases over the targets in process, classifies each outcome
 * (success, typed SkmError, failure), times every case, and keeps what is needed to replay a
 * failure or a slow case: target name and JSON input. Case i of seed s is always the same input.
 */
import { performance } from 'node:perf_hooks';
import { SkmError } from '../../src/errors.js';
import { Rng, caseSeed } from './rng.js';
import type { FuzzTarget } from './targets.js';

export type Outcome = 'ok' | 'typed-error' | 'failure' | 'hang';

export interface CaseRecord {
  target: string;
  index: number;
  ms: number;
  input: unknown;
  error?: string;
}

export interface TargetStats {
  cases: number;
  ok: number;
  typedErrors: number;
  failures: number;
}

export interface FuzzReport {
  seed: number;
  cases: number;
  elapsedMs: number;
  failures: CaseRecord[];
  /** Distinct failures by target and message, with counts (a bug usually fails many cases). */
  failureKinds: Map<string, { count: number; first: CaseRecord }>;
  /** Cases over the slow threshold whose re-run was slow again (one-off GC pauses are not counted). */
  slow: CaseRecord[];
  slowest: CaseRecord | undefined;
  perTarget: Map<string, TargetStats>;
  /** Typed error codes seen, for a sense of coverage. */
  errorCodes: Map<string, number>;
}

export interface FuzzOptions {
  seed: number;
  targets: FuzzTarget<unknown>[];
  /** Stop after this many cases… */
  cases?: number;
  /** …or after this many seconds, whichever comes first. */
  seconds?: number;
  /** A case slower than this is reported (default 50 ms). */
  slowMs?: number;
  /** A case still running after this is a hang (default 2000 ms). */
  hangMs?: number;
  /** Keep at most this many failure records (all are counted). */
  keepFailures?: number;
  onProgress?: (done: number, report: FuzzReport) => void;
  /** First case index (default 0); `cases` is then the index to stop before. */
  from?: number;
  /** Case indices not to run (known hangs). */
  skip?: Set<number>;
  /** Absolute stop time (ms since the epoch), instead of `seconds`. */
  deadline?: number;
  beforeCase?: (index: number) => void;
  afterCase?: (index: number) => void;
}

/** Run one input through one target and classify the outcome. */
export async function runCase(target: FuzzTarget<unknown>, input: unknown, hangMs = 2000): Promise<{ outcome: Outcome; ms: number; error?: unknown }> {
  const start = performance.now();
  try {
    const r = target.run(input);
    if (r instanceof Promise) {
      let timer: NodeJS.Timeout | undefined;
      const hang = new Promise<'hang'>((resolve) => {
        timer = setTimeout(() => resolve('hang'), hangMs);
      });
      const settled = await Promise.race([r.then(() => 'done' as const), hang]).finally(() => clearTimeout(timer));
      if (settled === 'hang') return { outcome: 'hang', ms: performance.now() - start };
    }
    return { outcome: 'ok', ms: performance.now() - start };
  } catch (error) {
    const ms = performance.now() - start;
    return { outcome: error instanceof SkmError ? 'typed-error' : 'failure', ms, error };
  }
}

/** Generate input `index` of a run seeded with `seed` (weighted pick of the target, then its input). */
export function generateCase(targets: FuzzTarget<unknown>[], seed: number, index: number): { target: FuzzTarget<unknown>; input: unknown } {
  const rng = new Rng(caseSeed(seed, index));
  const total = targets.reduce((n, t) => n + t.weight, 0);
  let r = rng.int(total);
  let target = targets[0]!;
  for (const t of targets) {
    if (r < t.weight) {
      target = t;
      break;
    }
    r -= t.weight;
  }
  return { target, input: target.generate(rng) };
}

export async function fuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const slowMs = opts.slowMs ?? 50;
  const hangMs = opts.hangMs ?? 2000;
  const keep = opts.keepFailures ?? 50;
  const maxCases = opts.cases ?? Number.POSITIVE_INFINITY;
  const deadline = opts.deadline ?? (opts.seconds !== undefined ? Date.now() + opts.seconds * 1000 : Number.POSITIVE_INFINITY);
  const report: FuzzReport = {
    seed: opts.seed,
    cases: 0,
    elapsedMs: 0,
    failures: [],
    failureKinds: new Map(),
    slow: [],
    slowest: undefined,
    perTarget: new Map(opts.targets.map((t) => [t.name, { cases: 0, ok: 0, typedErrors: 0, failures: 0 }])),
    errorCodes: new Map(),
  };
  const started = performance.now();
  for (let index = opts.from ?? 0; index < maxCases; index++) {
    if ((index & 0xff) === 0 && Date.now() >= deadline) break;
    if (opts.skip?.has(index)) continue;
    const { target, input } = generateCase(opts.targets, opts.seed, index);
    opts.beforeCase?.(index);
    let { outcome, ms, error } = await runCase(target, input, hangMs);
    if (ms > slowMs && outcome !== 'hang') {
      // Re-run once: a GC pause or a JIT tier-up is not the input's fault.
      opts.beforeCase?.(index);
      const again = await runCase(target, input, hangMs);
      if (again.ms > slowMs) report.slow.push({ target: target.name, index, ms: Math.min(ms, again.ms), input });
      ms = Math.min(ms, again.ms);
    }
    opts.afterCase?.(index);
    const stats = report.perTarget.get(target.name)!;
    stats.cases++;
    report.cases++;
    if (!report.slowest || ms > report.slowest.ms) report.slowest = { target: target.name, index, ms, input };
    if (outcome === 'ok') stats.ok++;
    else if (outcome === 'typed-error') {
      stats.typedErrors++;
      const code = (error as SkmError).code;
      report.errorCodes.set(code, (report.errorCodes.get(code) ?? 0) + 1);
    } else {
      stats.failures++;
      const message = outcome === 'hang' ? `hang: no answer within ${hangMs} ms` : describeError(error);
      const record: CaseRecord = { target: target.name, index, ms, input, error: message };
      if (report.failures.length < keep) report.failures.push(record);
      const kind = `${target.name}: ${message.split('\n')[0]!.replace(/\d+/g, 'N')}`;
      const k = report.failureKinds.get(kind);
      if (k) k.count++;
      else report.failureKinds.set(kind, { count: 1, first: record });
    }
    if (opts.onProgress && (index + 1) % 50_000 === 0) opts.onProgress(index + 1, report);
  }
  report.elapsedMs = performance.now() - started;
  return report;
}

export function describeError(e: unknown): string {
  if (e instanceof Error) {
    const frame = e.stack?.split('\n').find((l) => l.includes('/src/')) ?? '';
    return `${e.name}: ${e.message}${frame ? `\n${frame.trim()}` : ''}`;
  }
  return `non-Error thrown: ${String(e)}`;
}

/** A plain-text summary: cases, failures, slowest case, per-target counts. */
export function formatReport(r: FuzzReport): string {
  const lines: string[] = [];
  const rate = r.elapsedMs > 0 ? Math.round((r.cases / r.elapsedMs) * 1000) : 0;
  lines.push(`fuzz: seed ${r.seed}, ${r.cases} cases in ${(r.elapsedMs / 1000).toFixed(1)} s (${rate}/s)`);
  const failures = [...r.perTarget.values()].reduce((n, s) => n + s.failures, 0);
  lines.push(`failures: ${failures} (${r.failureKinds.size} distinct)`);
  if (r.slowest) lines.push(`slowest case: ${r.slowest.ms.toFixed(2)} ms (${r.slowest.target}, case #${r.slowest.index})`);
  lines.push(`cases over the slow limit (confirmed by a re-run): ${r.slow.length}`);
  lines.push('');
  lines.push(`${'target'.padEnd(36)}${'cases'.padStart(10)}${'ok'.padStart(10)}${'typed err'.padStart(11)}${'failures'.padStart(10)}`);
  for (const [name, s] of r.perTarget) {
    lines.push(`${name.padEnd(36)}${String(s.cases).padStart(10)}${String(s.ok).padStart(10)}${String(s.typedErrors).padStart(11)}${String(s.failures).padStart(10)}`);
  }
  lines.push('');
  lines.push(`typed error codes: ${[...r.errorCodes].map(([c, n]) => `${c} ${n}`).join(', ')}`);
  for (const [kind, { count, first }] of r.failureKinds) {
    lines.push('');
    lines.push(`FAILURE x${count}: ${kind}`);
    lines.push(`  first: case #${first.index}: ${first.error}`);
    lines.push(`  input: ${JSON.stringify(first.input).slice(0, 400)}`);
  }
  for (const s of r.slow.slice(0, 10)) lines.push(`SLOW ${s.ms.toFixed(1)} ms: ${s.target} case #${s.index}`);
  return lines.join('\n');
}

/**
 * Runs the fuzz loop in a worker thread under a watchdog, like libFuzzer's -timeout: a case that
 * blocks the event loop (a synchronous parser spinning on a hostile length) cannot be interrupted
 * in process, so the worker publishes the case it is on through shared memory, and the supervisor
 * terminates it when one case runs past `hangMs`, records that case as a hang, and starts a new
 * worker after it. Workers report in chunks, so a restart loses nothing but the current chunk,
 * which is re-run deterministically.
 */
import { Worker } from 'node:worker_threads';
import { type CaseRecord, type FuzzReport, type Outcome, generateCase } from './engine.js';
import { targetByName, targets as allTargets } from './targets.js';

export interface WorkerJob {
  seed: number;
  from: number;
  to: number;
  deadline: number;
  targets: string[];
  skip: number[];
  chunk: number;
  slowMs: number;
  hangMs: number;
  /** Int32Array[2] (case index, 0 when idle) + Float64Array[1] (start time), shared. */
  shared: SharedArrayBuffer;
}

export type WorkerMessage = { type: 'chunk'; next: number; report: FuzzReport } | { type: 'done'; next: number };

export interface SupervisedOptions {
  /** A JS file that runs `workerMain()` when loaded in a worker (the bundled tests/fuzz/run.ts). */
  workerFile: string;
  seed: number;
  cases: number;
  seconds: number;
  targets?: string[];
  slowMs?: number;
  /** A case running longer than this is a hang; the worker is replaced (default 1000 ms). */
  hangMs?: number;
  chunk?: number;
  onProgress?: (report: FuzzReport) => void;
}

export function emptyReport(seed: number, targetNames: string[]): FuzzReport {
  return {
    seed,
    cases: 0,
    elapsedMs: 0,
    failures: [],
    failureKinds: new Map(),
    slow: [],
    slowest: undefined,
    perTarget: new Map(targetNames.map((n) => [n, { cases: 0, ok: 0, typedErrors: 0, failures: 0 }])),
    errorCodes: new Map(),
  };
}

export function mergeReport(into: FuzzReport, r: FuzzReport): void {
  into.cases += r.cases;
  for (const f of r.failures) if (into.failures.length < 50) into.failures.push(f);
  for (const [k, v] of r.failureKinds) {
    const e = into.failureKinds.get(k);
    if (e) e.count += v.count;
    else into.failureKinds.set(k, { ...v });
  }
  into.slow.push(...r.slow);
  if (r.slowest && (!into.slowest || r.slowest.ms > into.slowest.ms)) into.slowest = r.slowest;
  for (const [n, s] of r.perTarget) {
    const t = into.perTarget.get(n)!;
    t.cases += s.cases;
    t.ok += s.ok;
    t.typedErrors += s.typedErrors;
    t.failures += s.failures;
  }
  for (const [c, n] of r.errorCodes) into.errorCodes.set(c, (into.errorCodes.get(c) ?? 0) + n);
}

export async function fuzzSupervised(opts: SupervisedOptions): Promise<FuzzReport> {
  const names = opts.targets ?? allTargets.map((t) => t.name);
  const targets = names.map(targetByName);
  const hangMs = opts.hangMs ?? 1000;
  const total = emptyReport(opts.seed, names);
  const started = Date.now();
  const deadline = started + opts.seconds * 1000;
  const skip: number[] = [];
  let next = 0;
  while (next < opts.cases && Date.now() < deadline) {
    const shared = new SharedArrayBuffer(16);
    const index = new Int32Array(shared, 0, 2);
    const startedAt = new Float64Array(shared, 8, 1);
    const job: WorkerJob = { seed: opts.seed, from: next, to: opts.cases, deadline, targets: names, skip, chunk: opts.chunk ?? 1000, slowMs: opts.slowMs ?? 50, hangMs, shared };
    const worker = new Worker(opts.workerFile, { workerData: job });
    const outcome = await new Promise<{ hung?: number; next: number; error?: unknown }>((resolve) => {
      let last = next;
      const watchdog = setInterval(() => {
        if (Atomics.load(index, 1) === 1 && performance.timeOrigin + performance.now() - startedAt[0]! > hangMs) {
          clearInterval(watchdog);
          const hung = Atomics.load(index, 0);
          void worker.terminate().then(() => resolve({ hung, next: last }));
        }
      }, Math.min(100, hangMs / 4));
      worker.on('message', (m: WorkerMessage) => {
        last = m.next;
        if (m.type === 'chunk') {
          mergeReport(total, m.report);
          opts.onProgress?.(total);
        } else {
          clearInterval(watchdog);
          void worker.terminate().then(() => resolve({ next: m.next }));
        }
      });
      worker.on('error', (error) => {
        clearInterval(watchdog);
        resolve({ next: last, error });
      });
    });
    if (outcome.error) throw outcome.error;
    if (outcome.hung !== undefined) {
      const { target, input } = generateCase(targets, opts.seed, outcome.hung);
      const record: CaseRecord = { target: target.name, index: outcome.hung, ms: hangMs, input, error: `hang: still running after ${hangMs} ms (worker terminated)` };
      mergeReport(total, {
        ...emptyReport(opts.seed, names),
        cases: 1,
        failures: [record],
        failureKinds: new Map([[`${target.name}: hang (blocked past ${hangMs} ms)`, { count: 1, first: record }]]),
        slowest: record,
        perTarget: new Map([[target.name, { cases: 1, ok: 0, typedErrors: 0, failures: 1 }]]),
      });
      skip.push(outcome.hung);
    }
    next = outcome.next;
    if (outcome.hung === undefined) break;
  }
  total.elapsedMs = Date.now() - started;
  return total;
}

export interface ReplayJob {
  replay: { target: string; input: unknown }[];
  hangMs: number;
  shared: SharedArrayBuffer;
}

export interface ReplayResult {
  index: number;
  outcome: Outcome;
  ms: number;
  error?: string;
  /** SkmError code, for typed errors. */
  code?: string;
}

/**
 * Replay saved cases in a worker under the watchdog: a case blocked past `hangMs` is reported as
 * a hang and the replay continues in a fresh worker with the next case.
 */
export async function replaySupervised(workerFile: string, cases: { target: string; input: unknown }[], hangMs: number): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  let from = 0;
  while (from < cases.length) {
    const shared = new SharedArrayBuffer(16);
    const index = new Int32Array(shared, 0, 2);
    const startedAt = new Float64Array(shared, 8, 1);
    const offset = from;
    const job: ReplayJob = { replay: cases.slice(offset), hangMs, shared };
    const worker = new Worker(workerFile, { workerData: job });
    from = await new Promise<number>((resolve, reject) => {
      let next = offset;
      const watchdog = setInterval(() => {
        if (Atomics.load(index, 1) === 1 && performance.timeOrigin + performance.now() - startedAt[0]! > hangMs) {
          clearInterval(watchdog);
          const i = offset + Atomics.load(index, 0);
          results.push({ index: i, outcome: 'hang', ms: performance.timeOrigin + performance.now() - startedAt[0]! });
          void worker.terminate().then(() => resolve(i + 1));
        }
      }, Math.max(5, Math.min(50, hangMs / 4)));
      worker.on('message', (m: ReplayResult | 'done') => {
        if (m === 'done') {
          clearInterval(watchdog);
          void worker.terminate().then(() => resolve(cases.length));
          return;
        }
        results.push({ ...m, index: offset + m.index });
        next = offset + m.index + 1;
      });
      worker.on('error', (e) => {
        clearInterval(watchdog);
        reject(e);
      });
      void next;
    });
  }
  return results.sort((a, b) => a.index - b.index);
}

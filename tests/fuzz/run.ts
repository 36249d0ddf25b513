/**
 * The full fuzz run (`npm run fuzz`, bundled by scripts/fuzz.mjs):
 *
 *   npm run fuzz -- [--cases N] [--seconds S] [--seed N] [--hang-ms MS] [--target NAME] [--save DIR]
 *
 * Defaults: 1,000,000 cases, at most 600 s, a seed from the clock (printed, so a run can be
 * repeated), a case blocking for 1000 ms is a hang. Prints cases run, failures and the slowest case; exits 1 when anything failed.
 * --save writes each distinct failure as a JSON regression case (target + input) into DIR, ready
 * to move into tests/fixtures/fuzz-regressions/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { formatReport } from './engine.js';
import { fuzzSupervised } from './supervisor.js';
import { targetByName, targets } from './targets.js';
import { workerMain } from './worker.js';

interface Args {
  cases: number;
  seconds: number;
  seed: number;
  hangMs: number;
  target?: string;
  save?: string;
}

function parseArgs(argv: string[]): Args {
  const out: Args = { cases: 1_000_000, seconds: 600, seed: Date.now() >>> 0, hangMs: 1000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--cases') out.cases = Number(value());
    else if (a === '--seconds') out.seconds = Number(value());
    else if (a === '--seed') out.seed = Number(value()) >>> 0;
    else if (a === '--hang-ms') out.hangMs = Number(value());
    else if (a === '--target') out.target = value();
    else if (a === '--save') out.save = value();
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: npm run fuzz -- [--cases N] [--seconds S] [--seed N] [--hang-ms MS] [--target NAME] [--save DIR]\n');
      process.stdout.write(`targets: ${targets.map((t) => t.name).join(', ')}\n`);
      process.exit(0);
    } else throw new Error(`Unknown option ${a}`);
  }
  if (!(out.cases > 0) || !(out.seconds > 0) || !(out.hangMs > 0)) throw new Error('--cases, --seconds and --hang-ms must be positive numbers');
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const selected = args.target ? [targetByName(args.target)] : targets;
  process.stdout.write(`fuzz: seed ${args.seed}, up to ${args.cases} cases or ${args.seconds} s, ${selected.length} targets\n`);
  let lastPrinted = 0;
  const report = await fuzzSupervised({
    // This file, bundled: it runs workerMain() when loaded as a worker.
    workerFile: fileURLToPath(import.meta.url),
    seed: args.seed,
    targets: selected.map((t) => t.name),
    cases: args.cases,
    seconds: args.seconds,
    hangMs: args.hangMs,
    chunk: 500,
    onProgress: (r) => {
      if (r.cases - lastPrinted < 100_000) return;
      lastPrinted = r.cases;
      const failures = [...r.perTarget.values()].reduce((n, s) => n + s.failures, 0);
      process.stdout.write(`  ${r.cases} cases, ${failures} failures, slowest ${r.slowest?.ms.toFixed(1)} ms\n`);
    },
  });
  process.stdout.write(`${formatReport(report)}\n`);
  if (args.save && report.failureKinds.size > 0) {
    mkdirSync(args.save, { recursive: true });
    for (const [kind, { first }] of report.failureKinds) {
      const file = join(args.save, `${first.target}-seed${args.seed}-case${first.index}.json`);
      writeFileSync(file, `${JSON.stringify({ target: first.target, found: `seed ${args.seed} case ${first.index}`, failure: kind, input: first.input }, null, 2)}\n`);
      process.stdout.write(`saved ${file}\n`);
    }
  }
  const failed = [...report.perTarget.values()].some((s) => s.failures > 0);
  process.exitCode = failed ? 1 : 0;
}

if (isMainThread) {
  main().catch((e: unknown) => {
    process.stderr.write(`fuzz: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  });
} else {
  void workerMain();
}

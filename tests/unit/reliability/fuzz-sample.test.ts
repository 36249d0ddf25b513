/**
 * A small fixed-seed slice of the fuzz run (the full run is `npm run fuzz`): the same targets,
 * generators and watchdog, a few thousand cases, so a parser regression shows up in the normal
 * suite. Every case must succeed or fail with a typed SkmError; none may hang.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleFuzzRunner } from '../../fuzz/bundle.js';
import { type FuzzReport, formatReport } from '../../fuzz/engine.js';
import { fuzzSupervised } from '../../fuzz/supervisor.js';
import { targets } from '../../fuzz/targets.js';

const SEED = 20261204;
const CASES = 20_000;

let report: FuzzReport;

beforeAll(async () => {
  const runner = await bundleFuzzRunner(`sample-${process.pid}`);
  report = await fuzzSupervised({ workerFile: runner, seed: SEED, cases: CASES, seconds: 25, hangMs: 500, chunk: 500 });
  console.log(formatReport(report));
}, 60_000);

describe(`fuzz sample (seed ${SEED})`, () => {
  it('runs every target', () => {
    expect(report.cases).toBe(CASES);
    for (const t of targets) expect(report.perTarget.get(t.name)!.cases, t.name).toBeGreaterThan(0);
  });

  it('reaches both success and typed errors (the generators are not degenerate)', () => {
    for (const t of targets) {
      const s = report.perTarget.get(t.name)!;
      expect(s.ok, `${t.name} never succeeds`).toBeGreaterThan(0);
    }
    expect(report.errorCodes.size).toBeGreaterThan(3);
  });

  it('has no untyped error, invariant violation or hang', () => {
    const kinds = [...report.failureKinds].map(([k, v]) => `${k} x${v.count} (case #${v.first.index})`);
    expect(kinds).toEqual([]);
  });
});

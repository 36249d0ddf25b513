/**
 * Inputs that once crashed, hung or broke the shape of a parser, replayed through the same fuzz
 * targets. Each must end in success or a typed SkmError within the fuzz time bound. Replays run in
 * a worker under a watchdog, so an input that blocks the event loop fails its test instead of
 * freezing the suite.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleFuzzRunner } from '../../fuzz/bundle.js';
import { type ReplayResult, replaySupervised } from '../../fuzz/supervisor.js';
import { targetByName } from '../../fuzz/targets.js';

const dir = new URL('../../fixtures/fuzz-regressions/', import.meta.url);
interface Regression {
  target: string;
  found: string;
  failure: string;
  input: unknown;
}
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({ file, ...(JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Regression) }));

/** The per-case bound of the fuzz run. */
const SLOW_MS = 50;
/** Past this, the worker is replaced and the case counts as a hang. */
const HANG_MS = 1000;

let results: ReplayResult[] = [];

beforeAll(async () => {
  const runner = await bundleFuzzRunner(`regressions-${process.pid}`);
  results = await replaySupervised(runner, cases, HANG_MS);
}, 60_000);

describe('fuzz regressions', () => {
  it('has regression cases, each naming a known target', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) expect(() => targetByName(c.target)).not.toThrow();
  });

  it.each(cases.map((c, i) => [c.file, i] as const))('%s: success or typed error, within the time bound', (_file, i) => {
    const r = results.find((x) => x.index === i);
    expect(r, 'replay result').toBeDefined();
    expect(r!.outcome === 'ok' || r!.outcome === 'typed-error', `${r!.outcome}: ${r!.error ?? ''}`).toBe(true);
    expect(r!.ms).toBeLessThan(SLOW_MS);
  });
});

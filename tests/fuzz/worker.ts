/**
 * Worker side of the supervised fuzz run: runs cases [from, to) in chunks, publishing the case in
 * flight through shared memory (so the supervisor can spot a blocked case) and posting each
 * chunk's report. Cases listed in `skip` (earlier hangs) are not run again.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fuzz } from './engine.js';
import { describeError, runCase } from './engine.js';
import type { ReplayJob, ReplayResult, WorkerJob, WorkerMessage } from './supervisor.js';
import { targetByName } from './targets.js';

export async function workerMain(): Promise<void> {
  if ((workerData as ReplayJob).replay) return replayMain(workerData as ReplayJob);
  const job = workerData as WorkerJob;
  const index = new Int32Array(job.shared, 0, 2);
  const startedAt = new Float64Array(job.shared, 8, 1);
  const targets = job.targets.map(targetByName);
  const skip = new Set(job.skip);
  let next = job.from;
  while (next < job.to && Date.now() < job.deadline) {
    const end = Math.min(job.to, next + job.chunk);
    const report = await fuzz({
      seed: job.seed,
      targets,
      from: next,
      cases: end,
      slowMs: job.slowMs,
      hangMs: job.hangMs,
      skip,
      beforeCase: (i) => {
        startedAt[0] = performance.timeOrigin + performance.now();
        Atomics.store(index, 0, i);
        Atomics.store(index, 1, 1);
      },
      afterCase: () => Atomics.store(index, 1, 0),
      deadline: job.deadline,
    });
    next = end;
    parentPort!.postMessage({ type: 'chunk', next, report } satisfies WorkerMessage);
  }
  parentPort!.postMessage({ type: 'done', next } satisfies WorkerMessage);
}

/** Replay saved inputs one by one, reporting each outcome (used by the regression tests). */
async function replayMain(job: ReplayJob): Promise<void> {
  const index = new Int32Array(job.shared, 0, 2);
  const startedAt = new Float64Array(job.shared, 8, 1);
  for (const [i, c] of job.replay.entries()) {
    startedAt[0] = performance.timeOrigin + performance.now();
    Atomics.store(index, 0, i);
    Atomics.store(index, 1, 1);
    const r = await runCase(targetByName(c.target), c.input, job.hangMs);
    Atomics.store(index, 1, 0);
    const result: ReplayResult = { index: i, outcome: r.outcome, ms: r.ms };
    if (r.error !== undefined) {
      result.error = describeError(r.error);
      if (r.error instanceof Error && 'code' in r.error) result.code = String(r.error.code);
    }
    parentPort!.postMessage(result);
  }
  parentPort!.postMessage('done');
}

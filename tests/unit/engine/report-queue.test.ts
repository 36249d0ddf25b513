import { describe, expect, it } from 'vitest';
import { DisconnectedError, TimeoutError, TransportError } from '../../../src/errors.js';
import { ReportQueue } from '../../../src/transport/report-queue.js';

const r = (n: number) => Uint8Array.of(n);

describe('ReportQueue', () => {
  it('hands reports out in arrival order, queued or to a waiting reader', async () => {
    const q = new ReportQueue();
    q.push(r(1));
    const waiting = (async () => [await q.read(100), await q.read(100)])();
    q.push(r(2));
    expect(await waiting).toEqual([r(1), r(2)]);
  });

  it('a zero timeout polls: it answers at once, without waiting for a timer', async () => {
    const q = new ReportQueue();
    let settled = false;
    const poll = q.read(0).catch((e) => e).finally(() => (settled = true));
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toBe(true);
    expect(await poll).toBeInstanceOf(TimeoutError);
  });

  it('times out, refuses a second concurrent reader, and fails the waiting one on demand', async () => {
    const q = new ReportQueue();
    await expect(q.read(5)).rejects.toBeInstanceOf(TimeoutError);
    const first = q.read(1000);
    await expect(q.read(1000)).rejects.toBeInstanceOf(TransportError);
    q.fail(new DisconnectedError());
    await expect(first).rejects.toBeInstanceOf(DisconnectedError);
  });

  it('clear() drops what nobody will read', async () => {
    const q = new ReportQueue();
    q.push(r(1));
    q.clear();
    await expect(q.read(0)).rejects.toBeInstanceOf(TimeoutError);
  });
});

/**
 * A scripted HidConnection: records every report the host writes and returns input reports the
 * test queued, either up front or from a handler that sees each write (like a real key would).
 */
import { DisconnectedError, TimeoutError } from '../../../../src/errors.js';
import type { HidConnection } from '../../../../src/transport/connection.js';

export type WriteHandler = (report: Uint8Array, conn: ScriptedConnection) => void;

export class ScriptedConnection implements HidConnection {
  readonly writes: Uint8Array[] = [];
  readonly readTimeouts: number[] = [];
  closed = false;
  private readonly queue: Uint8Array[] = [];
  private waiter: { resolve: (r: Uint8Array) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | null = null;
  private gone = false;

  constructor(public onWrite?: WriteHandler) {}

  /** Queue input reports (64 bytes each). */
  push(...reports: Uint8Array[]): void {
    for (const r of reports) {
      if (this.waiter) {
        const { resolve, timer } = this.waiter;
        clearTimeout(timer);
        this.waiter = null;
        resolve(Uint8Array.from(r));
      } else {
        this.queue.push(Uint8Array.from(r));
      }
    }
  }

  /** Simulate unplugging: pending and later reads and writes fail with DisconnectedError. */
  unplug(): void {
    this.gone = true;
    if (this.waiter) {
      const { reject, timer } = this.waiter;
      clearTimeout(timer);
      this.waiter = null;
      reject(new DisconnectedError());
    }
  }

  get pending(): number {
    return this.queue.length;
  }

  async write(report: Uint8Array): Promise<void> {
    if (this.gone) throw new DisconnectedError();
    if (report.length !== 64) throw new Error(`host wrote a ${report.length}-byte report`);
    const copy = Uint8Array.from(report);
    this.writes.push(copy);
    this.onWrite?.(copy, this);
  }

  read(timeoutMs: number): Promise<Uint8Array> {
    this.readTimeouts.push(timeoutMs);
    if (this.gone) return Promise.reject(new DisconnectedError());
    const next = this.queue.shift();
    if (next) return Promise.resolve(next);
    if (this.waiter) return Promise.reject(new Error('concurrent read'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new TimeoutError());
      }, timeoutMs);
      this.waiter = { resolve, reject, timer };
    });
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Build one 64-byte report: cid, then the given bytes. */
export function report(cid: number, ...bytes: number[]): Uint8Array {
  const r = new Uint8Array(64);
  new DataView(r.buffer).setUint32(0, cid >>> 0);
  r.set(bytes, 4);
  return r;
}

export function cidOf(r: Uint8Array): number {
  return new DataView(r.buffer, r.byteOffset).getUint32(0);
}

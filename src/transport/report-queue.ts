/**
 * Input reports waiting to be read, with at most one reader waiting for the next one: the part of
 * a HidConnection that is the same for every push-style transport (UDP datagrams, in-memory keys).
 */
import { TimeoutError, TransportError } from '../errors.js';

export class ReportQueue {
  private readonly reports: Uint8Array[] = [];
  private waiter: { resolve: (r: Uint8Array) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | null = null;

  /** A report arrived: hand it to the waiting reader, or keep it for the next read. */
  push(report: Uint8Array): void {
    if (!this.waiter) {
      this.reports.push(report);
      return;
    }
    const { resolve, timer } = this.waiter;
    clearTimeout(timer);
    this.waiter = null;
    resolve(report);
  }

  /** The next report, waiting up to `timeoutMs`; a zero timeout is a poll that answers at once. */
  read(timeoutMs: number): Promise<Uint8Array> {
    const next = this.reports.shift();
    if (next) return Promise.resolve(next);
    if (timeoutMs <= 0) return Promise.reject(new TimeoutError());
    if (this.waiter) return Promise.reject(new TransportError('Concurrent read on one connection'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new TimeoutError());
      }, timeoutMs);
      this.waiter = { resolve, reject, timer };
    });
  }

  /** Fail the waiting reader (disconnect, close, socket error). */
  fail(error: Error): void {
    if (!this.waiter) return;
    const { reject, timer } = this.waiter;
    clearTimeout(timer);
    this.waiter = null;
    reject(error);
  }

  /** Forget reports nobody will read (the key went away). */
  clear(): void {
    this.reports.length = 0;
  }
}

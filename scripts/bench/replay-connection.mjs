// HidConnection doubles for measuring host-side overhead without any I/O:
// RecordingConnection wraps a real connection and keeps every report it reads;
// ReplayConnection answers each request with the recorded frames for that CTAPHID command, at once.

export class RecordingConnection {
  constructor(inner) {
    this.inner = inner;
    this.log = [];
  }
  async write(report) {
    this.log.push({ dir: 'out', report: Uint8Array.from(report) });
    return this.inner.write(report);
  }
  async read(timeoutMs) {
    const report = await this.inner.read(timeoutMs);
    this.log.push({ dir: 'in', report: Uint8Array.from(report) });
    return report;
  }
  close() {
    return this.inner.close();
  }

  /** Frames received after each request's initialisation packet, keyed by its command byte. */
  responsesByCommand() {
    const byCmd = new Map();
    let current = null;
    for (const { dir, report } of this.log) {
      if (dir === 'out' && report[4] & 0x80) {
        current = [];
        byCmd.set(report[4], current);
      } else if (dir === 'in' && current) {
        // Skip KEEPALIVE (0xBB) frames: a replay of an instant key has none.
        if (report[4] === 0xbb) continue;
        current.push(report);
      }
    }
    return byCmd;
  }
}

export class ReplayConnection {
  constructor(responsesByCommand, makeTimeoutError) {
    this.responses = responsesByCommand;
    this.queue = [];
    this.waiter = null;
    this.makeTimeoutError = makeTimeoutError;
  }
  async write(report) {
    if (report[4] & 0x80) {
      const frames = this.responses.get(report[4]);
      if (frames) for (const f of frames) this.push(Uint8Array.from(f));
    }
  }
  read(timeoutMs) {
    const next = this.queue.shift();
    if (next) return Promise.resolve(next);
    // A zero timeout is a poll, as on the real transports.
    if (timeoutMs <= 0) return Promise.reject(this.makeTimeoutError());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(this.makeTimeoutError());
      }, timeoutMs);
      this.waiter = { resolve, timer };
    });
  }
  async close() {}
  push(frame) {
    if (this.waiter) {
      const { resolve, timer } = this.waiter;
      clearTimeout(timer);
      this.waiter = null;
      resolve(frame);
    } else this.queue.push(frame);
  }
}

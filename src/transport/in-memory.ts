/**
 * In-memory transport: connects the engine straight to a software key in the same process.
 * Behaves like hidraw: each connection has its own input queue fed with every report the device
 * sends; an unplug fails pending and later calls with DisconnectedError.
 */
import { DisconnectedError, TimeoutError } from '../errors.js';
import type { DeviceProvider, HidConnection, HidDeviceDescriptor } from './connection.js';
import type { VirtualHidDevice } from './virtual-device.js';

export class InMemoryConnection implements HidConnection {
  private readonly queue: Uint8Array[] = [];
  private waiter: { resolve: (r: Uint8Array) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | null = null;
  private closed = false;
  private gone = false;
  private readonly unsubscribe: (() => void)[];

  constructor(private readonly device: VirtualHidDevice) {
    if (!device.connected) throw new DisconnectedError('The key is not plugged in');
    this.unsubscribe = [
      device.onReport((report) => this.deliver(report)),
      device.onDisconnect(() => this.disconnect()),
    ];
  }

  async write(report: Uint8Array): Promise<void> {
    this.ensureOpen();
    // Copy: the device must never see later mutations of the caller's buffer.
    this.device.receive(Uint8Array.from(report));
  }

  read(timeoutMs: number): Promise<Uint8Array> {
    try {
      this.ensureOpen();
    } catch (e) {
      return Promise.reject(e);
    }
    const next = this.queue.shift();
    if (next) return Promise.resolve(next);
    // A zero timeout is a poll: answer at once rather than after a timer tick.
    if (timeoutMs <= 0) return Promise.reject(new TimeoutError());
    if (this.waiter) return Promise.reject(new Error('Concurrent read on one connection'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new TimeoutError());
      }, timeoutMs);
      this.waiter = { resolve, reject, timer };
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const u of this.unsubscribe) u();
    this.fail(new DisconnectedError('Connection closed'));
  }

  private deliver(report: Uint8Array): void {
    if (this.closed) return;
    const copy = Uint8Array.from(report);
    if (this.waiter) {
      const { resolve, timer } = this.waiter;
      clearTimeout(timer);
      this.waiter = null;
      resolve(copy);
    } else {
      this.queue.push(copy);
    }
  }

  private disconnect(): void {
    this.gone = true;
    this.queue.length = 0;
    this.fail(new DisconnectedError());
  }

  private fail(error: Error): void {
    if (!this.waiter) return;
    const { reject, timer } = this.waiter;
    clearTimeout(timer);
    this.waiter = null;
    reject(error);
  }

  private ensureOpen(): void {
    if (this.gone) throw new DisconnectedError();
    if (this.closed) throw new DisconnectedError('Connection closed');
  }
}

export interface InMemoryKey {
  device: VirtualHidDevice;
  descriptor: Omit<HidDeviceDescriptor, 'path' | 'transport'> & { name: string };
}

/** A provider over a mutable set of software keys; only plugged-in keys are listed. */
export class InMemoryProvider implements DeviceProvider {
  private readonly keys = new Map<string, InMemoryKey>();

  add(key: InMemoryKey): string {
    const path = `memory:${key.descriptor.name}`;
    this.keys.set(path, key);
    return path;
  }

  remove(path: string): void {
    this.keys.delete(path);
  }

  async list(): Promise<HidDeviceDescriptor[]> {
    return [...this.keys.entries()]
      .filter(([, k]) => k.device.connected)
      .map(([path, k]) => {
        const { name: _name, ...rest } = k.descriptor;
        return { ...rest, path, transport: 'memory' as const };
      });
  }

  async open(path: string): Promise<HidConnection> {
    const key = this.keys.get(path);
    if (!key || !key.device.connected) throw new DisconnectedError(`No key at ${path}`);
    return new InMemoryConnection(key.device);
  }
}

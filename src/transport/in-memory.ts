/**
 * In-memory transport: connects the engine straight to a software key in the same process.
 * Behaves like hidraw: each connection has its own input queue fed with every report the device
 * sends; an unplug fails pending and later calls with DisconnectedError.
 */
import { DisconnectedError } from '../errors.js';
import type { DeviceProvider, HidConnection, HidDeviceDescriptor } from './connection.js';
import { ReportQueue } from './report-queue.js';
import type { VirtualHidDevice } from './virtual-device.js';

export class InMemoryConnection implements HidConnection {
  private readonly queue = new ReportQueue();
  private closed = false;
  private gone = false;
  private readonly unsubscribe: (() => void)[];

  constructor(private readonly device: VirtualHidDevice) {
    if (!device.connected) throw new DisconnectedError('The key is not plugged in');
    this.unsubscribe = [
      // Copy: the host must never see later mutations of the device's buffer, nor it ours.
      device.onReport((report) => {
        if (!this.closed) this.queue.push(Uint8Array.from(report));
      }),
      device.onDisconnect(() => {
        this.gone = true;
        this.queue.clear();
        this.queue.fail(new DisconnectedError());
      }),
    ];
  }

  async write(report: Uint8Array): Promise<void> {
    this.ensureOpen();
    this.device.receive(Uint8Array.from(report));
  }

  read(timeoutMs: number): Promise<Uint8Array> {
    try {
      this.ensureOpen();
    } catch (e) {
      return Promise.reject(e);
    }
    return this.queue.read(timeoutMs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const u of this.unsubscribe) u();
    this.queue.fail(new DisconnectedError('Connection closed'));
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

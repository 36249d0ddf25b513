/**
 * The suite's handle on a virtual key running in its own process (key-process.ts): plug and
 * unplug are real uhid create/destroy events, so hidraw nodes come and go as with a USB key.
 */
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import type { KeyKind, KeyReply, KeyRequest } from './key-process.js';
import type { UhidIdentity } from './uhid-bridge.js';

export class VirtualKey {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  /** /dev/hidrawN while plugged in. */
  hidraw: string | null = null;

  private constructor(
    private readonly child: ChildProcess,
    readonly identity: UhidIdentity,
  ) {
    child.on('message', (reply: KeyReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.value);
      else p.reject(new Error(`virtual key: ${reply.error}`));
    });
    child.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error('virtual key process exited'));
      this.pending.clear();
    });
  }

  /** Fork the key process (a sibling bundle of this one) and plug the key in. */
  static async start(kind: KeyKind, identity: UhidIdentity, profile?: string): Promise<VirtualKey> {
    const child = fork(path.join(__dirname, 'key-process.cjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const key = new VirtualKey(child, identity);
    try {
      key.hidraw = (await key.request({ op: 'start', kind, identity, profile })) as string;
    } catch (e) {
      child.kill();
      throw e;
    }
    return key;
  }

  /** Pull the key out: power off, UHID_DESTROY. */
  async unplug(): Promise<void> {
    await this.request({ op: 'unplug' });
    this.hidraw = null;
  }

  /**
   * Put it back: power on, UHID_CREATE2; resolves once the new hidraw node exists. `hidDelayMs`
   * holds the HID device back after power-up.
   */
  async plug(opts: { hidDelayMs?: number } = {}): Promise<string> {
    this.hidraw = (await this.request({ op: 'plug', ...opts })) as string;
    return this.hidraw;
  }

  /** The software key's touch policy, e.g. { kind: 'approve' } or { kind: 'deny' }. */
  async setPresence(policy: { kind: string; ms?: number }): Promise<void> {
    await this.request({ op: 'presence', policy });
  }

  /** uhid events the key side saw, by type number. */
  async events(): Promise<Record<number, number>> {
    return (await this.request({ op: 'events' })) as Record<number, number>;
  }

  async stop(): Promise<void> {
    if (!this.child.connected) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    await this.request({ op: 'stop' }).catch(() => undefined);
    await exited;
  }

  private request(req: KeyRequest): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, req });
    });
  }
}

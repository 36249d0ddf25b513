/**
 * Watch keys: a live list of attached FIDO keys (CTAP 2.1 §11.2 USB HID discovery), by polling
 * each provider's async list and diffing. Polls only while someone listens (or once on demand),
 * on an unref'd timer so an idle CLI can exit; an unchanged list costs one comparison.
 */
import type { DeviceProvider, HidDeviceDescriptor } from '../transport/connection.js';
import type { KeySummary } from './types.js';

export interface WatchedProvider {
  provider: DeviceProvider;
  /** Keys of this provider are the demo key. */
  isDemo?: boolean;
}

export interface KeysChange {
  keys: KeySummary[];
  added: string[];
  removed: string[];
}

export function toSummary(d: HidDeviceDescriptor, isDemo: boolean): KeySummary {
  const s: KeySummary = { id: d.path, transport: d.transport, isDemo, vendorId: d.vendorId, productId: d.productId };
  if (d.manufacturer) s.manufacturer = d.manufacturer;
  if (d.product) s.product = d.product;
  if (d.serialNumber) s.serialNumber = d.serialNumber;
  return s;
}

function fingerprint(keys: KeySummary[]): string {
  return JSON.stringify(keys.map((k) => [k.id, k.vendorId, k.productId, k.serialNumber ?? '', k.isDemo]));
}

export class KeyWatcher {
  private current: KeySummary[] = [];
  private owner = new Map<string, DeviceProvider>();
  private print = '[]';
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<KeysChange | undefined> | undefined;
  private readonly listeners = new Set<(change: KeysChange) => void>();
  private readonly observers = new Set<(change: KeysChange) => void>();
  private started = false;

  constructor(
    private readonly providers: () => WatchedProvider[],
    private readonly intervalMs = 250,
    /** A provider failing to list (node-hid missing, UDP peer gone) is reported here, not thrown. */
    private readonly onProviderError?: (e: unknown, provider: DeviceProvider) => void,
  ) {}

  /** The last list seen. */
  get keys(): KeySummary[] {
    return this.current.map((k) => ({ ...k }));
  }

  /** The provider that listed `keyId` in the last poll. */
  providerOf(keyId: string): DeviceProvider | undefined {
    return this.owner.get(keyId);
  }

  /** Subscribe to changes; polling runs while at least one listener is subscribed. */
  onChange(listener: (change: KeysChange) => void): () => void {
    this.listeners.add(listener);
    this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Be told of changes found by any poll, without making the watcher poll on its own. */
  observe(listener: (change: KeysChange) => void): () => void {
    this.observers.add(listener);
    return () => this.observers.delete(listener);
  }

  /** Poll once now (coalesced with a poll already running) and return the fresh list. */
  async refresh(): Promise<KeySummary[]> {
    await this.poll();
    return this.keys;
  }

  /** Poll once; emits and returns the change when the list differs from the last one. */
  poll(): Promise<KeysChange | undefined> {
    this.polling ??= this.doPoll().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  stop(): void {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (!this.started) return;
    this.timer = setTimeout(() => {
      void this.poll().finally(() => this.schedule(this.intervalMs));
    }, ms);
    this.timer.unref?.();
  }

  private async doPoll(): Promise<KeysChange | undefined> {
    const sources = this.providers();
    const lists = await Promise.all(
      sources.map(async (s) => {
        try {
          return { s, list: await s.provider.list() };
        } catch (e) {
          this.onProviderError?.(e, s.provider);
          return { s, list: [] as HidDeviceDescriptor[] };
        }
      }),
    );
    const keys: KeySummary[] = [];
    const owner = new Map<string, DeviceProvider>();
    for (const { s, list } of lists) {
      for (const d of list) {
        if (owner.has(d.path)) continue;
        owner.set(d.path, s.provider);
        keys.push(toSummary(d, s.isDemo === true));
      }
    }
    keys.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const print = fingerprint(keys);
    this.owner = owner;
    if (print === this.print) return undefined;
    const before = new Map(this.current.map((k) => [k.id, fingerprint([k])]));
    const after = new Map(keys.map((k) => [k.id, fingerprint([k])]));
    // A path that now names another device counts as removed and added.
    const removed = [...before.keys()].filter((id) => after.get(id) !== before.get(id));
    const added = [...after.keys()].filter((id) => before.get(id) !== after.get(id));
    this.current = keys;
    this.print = print;
    const change = { keys: this.keys, added, removed };
    for (const l of [...this.observers, ...this.listeners]) l(change);
    return change;
  }
}

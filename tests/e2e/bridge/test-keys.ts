/**
 * The bridge's software keys (CTAP 2.1 software authenticators on the in-memory transport) and
 * the test-only controls that play the user's hands: touch or refuse, unplug and plug, a second
 * key, a PIN set beforehand over CTAP 2.1 §6.5.5.5 setPIN, a late replug past the reset window.
 */
import { SoftwareAuthenticator } from '../../../src/authenticator/software-authenticator.js';
import type { PresencePolicy } from '../../../src/authenticator/presence.js';
import { ClientPin } from '../../../src/ctap2/client-pin.js';
import { Ctap2 } from '../../../src/ctap2/ctap2.js';
import { CtapHidDevice } from '../../../src/ctaphid/device.js';
import { InMemoryConnection, InMemoryProvider } from '../../../src/transport/in-memory.js';

export type PresenceMode = 'approve' | 'deny' | 'manual' | 'never';

interface TestKey {
  path: string;
  key: SoftwareAuthenticator;
  /** Added to the real clock: moves the key's idea of "time since power-up" (the reset window). */
  skewMs: number;
}

/** Software keys behind one InMemoryProvider, addressed by their key id (device path). */
export class TestKeys {
  readonly provider = new InMemoryProvider();
  private readonly keys: TestKey[] = [];

  constructor(private readonly defaults: { presence: PresenceMode; presenceTimeoutMs: number }) {}

  /** Plug in a new CTAP 2.1 key; returns its id. */
  add(profile: 'ctap21' | 'ctap20' = 'ctap21'): string {
    const n = this.keys.length + 1;
    const entry = { skewMs: 0 } as TestKey;
    const key = new SoftwareAuthenticator({
      profile,
      presence: policyOf(this.defaults.presence),
      presenceTimeoutMs: this.defaults.presenceTimeoutMs,
      now: () => Date.now() + entry.skewMs,
    });
    const p = key.profile;
    entry.key = key;
    entry.path = this.provider.add({
      device: key,
      descriptor: {
        name: `key-${n}`,
        vendorId: p.vendorId,
        productId: p.productId,
        manufacturer: p.manufacturer,
        product: p.product,
        serialNumber: `E2E${String(n).padStart(5, '0')}`,
      },
    });
    this.keys.push(entry);
    return entry.path;
  }

  /** The key by id, or the first key. */
  get(id?: string): TestKey {
    const k = id === undefined ? this.keys[0] : this.keys.find((e) => e.path === id);
    if (!k) throw new Error(`no test key ${id ?? '(first)'}`);
    return k;
  }

  presence(mode: PresenceMode, id?: string): void {
    this.get(id).key.presence.setPolicy(policyOf(mode));
  }

  touch(id?: string): void {
    this.get(id).key.presence.touch();
  }

  refuse(id?: string): void {
    this.get(id).key.presence.refuse();
  }

  unplug(id?: string): void {
    this.get(id).key.unplug();
  }

  /** Plug back in; `lateByMs` makes the key act as if that long had passed since power-up. */
  plug(id?: string, lateByMs = 0): void {
    const k = this.get(id);
    k.key.plug();
    k.skewMs += lateByMs;
  }

  /** Set a PIN the way any client would (authenticatorClientPIN setPIN), on a channel of its own. */
  async setPin(pin: string, id?: string): Promise<void> {
    const device = await CtapHidDevice.open(new InMemoryConnection(this.get(id).key));
    try {
      await new ClientPin(await Ctap2.open(device)).setPin(pin);
    } finally {
      await device.close();
    }
  }

  /** What the tests may check without talking CTAP: no secrets. */
  state(): { id: string; pinSet: boolean; pinRetries: number; pluggedIn: boolean; credentials: number }[] {
    return this.keys.map(({ path, key }) => {
      const s = key.snapshot();
      return { id: path, pinSet: s.pinSet, pinRetries: s.pinRetries, pluggedIn: s.pluggedIn, credentials: s.credentials.length };
    });
  }
}

function policyOf(mode: PresenceMode): PresencePolicy {
  switch (mode) {
    case 'approve':
      return { kind: 'approve' };
    case 'deny':
      return { kind: 'deny' };
    case 'never':
      return { kind: 'never' };
    case 'manual':
      return { kind: 'manual' };
  }
}

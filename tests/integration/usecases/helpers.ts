/** Shared set-up: software keys on the in-memory transport, and a KeyService over them. */
import { SoftwareAuthenticator, UserPresence } from '../../../src/authenticator/index.js';
import type { PresencePolicy } from '../../../src/authenticator/index.js';
import type { SoftwareAuthenticatorOptions } from '../../../src/authenticator/index.js';
import { InMemoryProvider } from '../../../src/transport/in-memory.js';
import { createKeyService, type KeyService, type KeyServiceOptions } from '../../../src/usecases/key-service.js';
import type { KeyEvent } from '../../../src/usecases/types.js';

/** A PIN distinctive enough that a leak anywhere is found by a plain text search. */
export const MARKER_PIN = 'Zq7#MarkerPin-4821';
export const MARKER_PIN_2 = 'Yk3$OtherPin-9135';

export interface TestKey {
  key: SoftwareAuthenticator;
  presence: UserPresence;
  path: string;
  name: string;
}

export class Rig {
  readonly provider = new InMemoryProvider();
  readonly keys: TestKey[] = [];
  readonly events: KeyEvent[] = [];
  service!: KeyService;
  private unsubscribe: (() => void) | undefined;

  addKey(
    name: string,
    opts: Omit<SoftwareAuthenticatorOptions, 'presence'> & { policy?: PresencePolicy; serialNumber?: string } = {},
  ): TestKey {
    const presence = new UserPresence(opts.policy ?? { kind: 'approve' }, opts.presenceTimeoutMs ?? 30_000);
    const { policy: _p, serialNumber, ...rest } = opts;
    const key = new SoftwareAuthenticator({ ...rest, presence });
    const p = key.profile;
    const path = this.provider.add({
      device: key,
      descriptor: { name, vendorId: p.vendorId, productId: p.productId, manufacturer: p.manufacturer, product: p.product, ...(serialNumber ? { serialNumber } : {}) },
    });
    const k = { key, presence, path, name };
    this.keys.push(k);
    return k;
  }

  start(opts: KeyServiceOptions = {}): KeyService {
    this.service = createKeyService({ usb: false, extraProviders: [this.provider], pollIntervalMs: 50, ...opts });
    this.unsubscribe = this.service.onEvent((e) => this.events.push(e));
    return this.service;
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    await this.service?.close();
  }

  /** Everything the service said, as text: for "the PIN appears nowhere" checks. */
  transcript(extra: unknown[] = []): string {
    return JSON.stringify([...this.events, ...extra]);
  }
}

/** Wait until `check` is true, polling every 5 ms, or fail after `ms`. */
export { until } from '../../support/until.js';

/** The outcome code of a rejected promise (or 'resolved'). */
export async function outcomeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return (e as { outcome?: string }).outcome ?? `raw:${(e as Error).name}`;
  }
}

export async function errorOf(p: Promise<unknown>): Promise<{ outcome: string; details: Record<string, unknown>; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { outcome: string; details: Record<string, unknown>; message: string };
    return err;
  }
  throw new Error('expected a rejection');
}

import { randomBytes } from 'node:crypto';
import { CtapHidDevice } from '../../../src/ctaphid/device.js';
import { ClientPin, Permission } from '../../../src/ctap2/client-pin.js';
import { Ctap2 } from '../../../src/ctap2/ctap2.js';
import { makeCredential } from '../../../src/ctap2/make-credential.js';
import { InMemoryConnection } from '../../../src/transport/in-memory.js';

/** Open our own CTAP2 session on a software key (a second host, as a browser would be). */
export async function withCtap2<T>(key: SoftwareAuthenticator, fn: (ctap2: Ctap2) => Promise<T>): Promise<T> {
  const device = await CtapHidDevice.open(new InMemoryConnection(key));
  try {
    return await fn(await Ctap2.open(device));
  } finally {
    await device.close();
  }
}

/** Register a discoverable credential (a passkey) the way a website would, with the PIN. */
export async function addPasskey(key: SoftwareAuthenticator, pin: string, rpId: string, userName: string, displayName?: string): Promise<void> {
  await withCtap2(key, async (ctap2) => {
    const token = await new ClientPin(ctap2).getToken(pin, Permission.MC, rpId);
    try {
      const clientDataHash = randomBytes(32);
      await makeCredential(ctap2, {
        clientDataHash,
        rp: { id: rpId, name: rpId },
        user: { id: randomBytes(16), name: userName, ...(displayName ? { displayName } : {}) },
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        options: { rk: true },
        pinUvAuthParam: token.authenticate(clientDataHash),
        pinUvAuthProtocol: token.protocol.version,
      });
    } finally {
      token.destroy();
    }
  });
}

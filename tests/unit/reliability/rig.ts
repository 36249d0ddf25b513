/**
 * A software key on the in-memory transport, wired for reliability tests: short engine timeouts,
 * a frame recorder on every connection, and helpers to put a PIN and discoverable credentials on
 * the key through the engine itself (CTAP 2.1 §6.5 clientPIN, §6.1 makeCredential with rk).
 */
import { randomBytes } from 'node:crypto';
import { SoftwareAuthenticator, type SoftwareAuthenticatorOptions } from '../../../src/authenticator/index.js';
import { ClientPin, Permission } from '../../../src/ctap2/client-pin.js';
import { Ctap2 } from '../../../src/ctap2/ctap2.js';
import { makeCredential } from '../../../src/ctap2/make-credential.js';
import { CtapHidDevice, type CtapHidDeviceOptions } from '../../../src/ctaphid/device.js';
import type { HidConnection } from '../../../src/transport/connection.js';
import { InMemoryConnection } from '../../../src/transport/in-memory.js';

/** Engine timings short enough for a whole fault matrix to run in seconds. */
export const FAST: CtapHidDeviceOptions = { timeoutMs: 800, callTimeoutMs: 600, pollMs: 10, cancelGraceMs: 150, busyRetryDelaysMs: [20, 40, 80, 160] };

/** A HidConnection that records every report the host writes, in order. */
export class RecordingConnection implements HidConnection {
  readonly written: Uint8Array[] = [];
  constructor(private readonly inner: HidConnection) {}
  async write(report: Uint8Array): Promise<void> {
    this.written.push(Uint8Array.from(report));
    return this.inner.write(report);
  }
  read(timeoutMs: number): Promise<Uint8Array> {
    return this.inner.read(timeoutMs);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

export interface Session {
  conn: RecordingConnection;
  device: CtapHidDevice;
  ctap2: Ctap2;
}

export function newKey(opts: SoftwareAuthenticatorOptions = {}): SoftwareAuthenticator {
  return new SoftwareAuthenticator({ presence: { kind: 'approve' }, keepaliveIntervalMs: 30, messageTimeoutMs: 200, ...opts });
}

/** Open a fresh connection, CTAPHID channel and CTAP2 session on `key`. */
export async function connect(key: SoftwareAuthenticator, opts: CtapHidDeviceOptions = FAST): Promise<Session> {
  const conn = new RecordingConnection(new InMemoryConnection(key));
  const device = await CtapHidDevice.open(conn, opts);
  const ctap2 = await Ctap2.open(device, { timeoutMs: opts.callTimeoutMs });
  return { conn, device, ctap2 };
}

export const RP_ID = 'login.example.org';

/** Put a PIN and `credentials` discoverable credentials (users u0, u1, …) on the key. */
export async function provision(key: SoftwareAuthenticator, pin: string | undefined, credentials = 0): Promise<void> {
  if (pin === undefined) return;
  const s = await connect(key);
  try {
    const cp = new ClientPin(s.ctap2);
    await cp.setPin(pin);
    await s.ctap2.refreshInfo();
    for (let i = 0; i < credentials; i++) {
      const token = await new ClientPin(s.ctap2).getToken(pin, Permission.MC, RP_ID);
      const clientDataHash = new Uint8Array(randomBytes(32));
      await makeCredential(s.ctap2, {
        clientDataHash,
        rp: { id: RP_ID, name: 'Example login' },
        user: { id: Uint8Array.of(0x75, i), name: `u${i}@example.org`, displayName: `User ${i}` },
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        options: { rk: true },
        pinUvAuthParam: token.authenticate(clientDataHash),
        pinUvAuthProtocol: token.protocol.version,
      });
      token.destroy();
    }
  } finally {
    await s.device.close();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Run tasks with at most `limit` in flight. */
export async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await tasks[i]!();
      }
    }),
  );
  return out;
}

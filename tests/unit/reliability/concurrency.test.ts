/**
 * Concurrency and unplug safety (CTAP 2.1 §11.2.9: one transaction per channel at a time,
 * CHANNEL_BUSY for other channels). Two operations on one key get a clear busy answer and never
 * interleave frames; two keys run side by side without interfering; a key unplugged in the middle
 * of any use-case flow leaves a typed, explained error, an intact key and a usable service.
 */
import { describe, expect, it } from 'vitest';
import type { SoftwareAuthenticator } from '../../../src/authenticator/index.js';
import { ClientPin } from '../../../src/ctap2/client-pin.js';
import { getInfo } from '../../../src/ctap2/get-info.js';
import { selection } from '../../../src/ctap2/selection.js';
import { MessageAssembler, parsePacket } from '../../../src/ctaphid/framing.js';
import { DeviceBusyError, SkmError } from '../../../src/errors.js';
import type { DeviceProvider, HidConnection, HidDeviceDescriptor } from '../../../src/transport/connection.js';
import { InMemoryProvider } from '../../../src/transport/in-memory.js';
import { createKeyService, toErrorInfo, type KeyService } from '../../../src/usecases/key-service.js';
import type { KeyEvent } from '../../../src/usecases/types.js';
import { RecordingConnection, connect, newKey, provision, sleep } from './rig.js';
import { until } from '../../support/until.js';

const PIN = 'Conc#Pin-5531';
const PIN2 = 'Conc#Pin-7702';

/** Reassemble everything the host wrote, per channel: an init frame in the middle of another message means interleaving. */
function checkNotInterleaved(frames: Uint8Array[]): { messages: number } {
  const assemblers = new Map<number, MessageAssembler>();
  let messages = 0;
  for (const f of frames) {
    const { cid } = parsePacket(f);
    let a = assemblers.get(cid);
    if (!a) assemblers.set(cid, (a = new MessageAssembler(cid)));
    const m = a.push(f); // throws ProtocolError on an interleaved or out-of-order frame
    if (m && m !== 'ignored') messages++;
  }
  return { messages };
}

/** An InMemoryProvider whose connections record every report the host writes. */
class RecordingProvider implements DeviceProvider {
  readonly inner = new InMemoryProvider();
  readonly connections: RecordingConnection[] = [];
  list(): Promise<HidDeviceDescriptor[]> {
    return this.inner.list();
  }
  async open(path: string): Promise<HidConnection> {
    const c = new RecordingConnection(await this.inner.open(path));
    this.connections.push(c);
    return c;
  }
}

interface Rig {
  svc: KeyService;
  provider: RecordingProvider;
  keys: { id: string; key: SoftwareAuthenticator }[];
  events: KeyEvent[];
}

async function serviceRig(count: number, opts: { pin?: string; credentials?: number } = {}): Promise<Rig> {
  const provider = new RecordingProvider();
  const keys: Rig['keys'] = [];
  for (let i = 0; i < count; i++) {
    const key = newKey();
    await provision(key, opts.pin, opts.credentials ?? 0);
    const id = provider.inner.add({ device: key, descriptor: { name: `k${i}`, vendorId: 0x1209, productId: 0x5c21, product: 'Software Key', serialNumber: `C${i}` } });
    keys.push({ id, key });
  }
  const svc = createKeyService({
    usb: false,
    extraProviders: [provider],
    pollIntervalMs: 30,
    reset: { unplugPollMs: 20, replugPollMs: 10, countdownTickMs: 100, waitTimeoutMs: 5_000 },
  });
  const events: KeyEvent[] = [];
  svc.onEvent((e) => events.push(e));
  return { svc, provider, keys, events };
}

async function settle<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await p };
  } catch (error) {
    return { error };
  }
}


describe('one key, two operations at once', () => {
  it('engine: the second call on a channel is refused at once as busy, and frames never interleave', async () => {
    const key = newKey({ presence: { kind: 'approve-after', ms: 150 } });
    const s = await connect(key);
    const before = s.conn.written.length;
    const touch = selection(s.ctap2, { timeoutMs: 1_000 });
    await sleep(20);
    const t0 = Date.now();
    await expect(getInfo(s.device, { timeoutMs: 1_000 })).rejects.toBeInstanceOf(DeviceBusyError);
    expect(Date.now() - t0).toBeLessThan(50);
    await touch;
    expect(s.conn.written.length - before).toBe(1); // only the selection request went out
    await getInfo(s.device); // released afterwards
    expect(checkNotInterleaved(s.conn.written).messages).toBeGreaterThanOrEqual(3);
    await s.device.close();
  });

  it('engine: a second host channel gets CHANNEL_BUSY, backs off, and ends busy or succeeds afterwards', async () => {
    const key = newKey({ presence: { kind: 'approve-after', ms: 400 } });
    const a = await connect(key);
    const b = await connect(key);
    const touch = selection(a.ctap2, { timeoutMs: 1_500 });
    await sleep(20);
    const err = await settle(getInfo(b.device, { timeoutMs: 250 }));
    expect(err.error).toBeInstanceOf(DeviceBusyError);
    expect((err.error as Error).message).toMatch(/another application/);
    await touch;
    await getInfo(b.device); // the key is free again for the other host
    for (const s of [a, b]) {
      checkNotInterleaved(s.conn.written);
      await s.device.close();
    }
  });

  it('service: a second operation on the same key answers KEY_BUSY with a hint naming the first', async () => {
    const rig = await serviceRig(1, { pin: PIN });
    const [{ id, key }] = rig.keys as [Rig['keys'][0]];
    await rig.svc.getKeyInfo(id);
    key.presence.setPolicy({ kind: 'approve-after', ms: 200 });
    const touch = rig.svc.touchTest(id);
    await sleep(30);
    const busy = await settle(rig.svc.changePin(id, PIN, PIN2, PIN2));
    const info = toErrorInfo(busy.error);
    expect(info.code).toBe('KEY_BUSY');
    expect(info.hint).toMatch(/touch|finish|cancel/i);
    await expect(touch).resolves.toEqual({ outcome: 'touched' });
    // Nothing was changed by the refused call, and it can run now.
    expect(key.snapshot().pinRetries).toBe(8);
    await rig.svc.changePin(id, PIN, PIN2, PIN2);
    for (const c of rig.provider.connections) checkNotInterleaved(c.written);
    await rig.svc.close();
  });
});

describe('two keys at once', () => {
  it('run side by side without interfering', async () => {
    const rig = await serviceRig(2, { pin: PIN, credentials: 1 });
    const [k0, k1] = rig.keys as [Rig['keys'][0], Rig['keys'][0]];
    k0.key.presence.setPolicy({ kind: 'approve-after', ms: 60 });
    k1.key.presence.setPolicy({ kind: 'approve-after', ms: 60 });
    const results: { error?: unknown }[] = await Promise.all([
      settle(rig.svc.changePin(k0.id, PIN, PIN2, PIN2)),
      settle(rig.svc.touchTest(k1.id)),
      settle(
        rig.svc.listPasskeys(k1.id, PIN).then(async (r) => {
          await rig.svc.closePasskeys(r.session);
          return r.list.existingCount;
        }),
      ),
    ]);
    // The touch and the passkey list on key 1 collide with each other (busy), never with key 0.
    expect(results[0]!.error).toBeUndefined();
    const k1Errors = results.slice(1).filter((r) => r.error).map((r) => toErrorInfo(r.error).code);
    expect(k1Errors.every((c) => c === 'KEY_BUSY')).toBe(true);
    expect(k1Errors.length).toBeLessThanOrEqual(1);
    // Key 0 has the new PIN, key 1 the old one; nothing else moved.
    await expect(rig.svc.listPasskeys(k0.id, PIN2)).resolves.toBeTruthy();
    await expect(rig.svc.listPasskeys(k1.id, PIN)).resolves.toBeTruthy();
    expect(k0.key.snapshot().credentials).toHaveLength(1);
    expect(k1.key.snapshot().credentials).toHaveLength(1);
    for (const c of rig.provider.connections) checkNotInterleaved(c.written);
    await rig.svc.close();
  });
});

describe('unplugged in the middle of a flow', () => {
  async function expectExplained(p: Promise<unknown>): Promise<string> {
    const r = await settle(p);
    expect(r.error, 'the flow must fail when the key is pulled').toBeDefined();
    expect(r.error).toBeInstanceOf(SkmError);
    const info = toErrorInfo(r.error);
    expect(info.message.length).toBeGreaterThan(10);
    return info.code;
  }

  async function usableAfterReplug(rig: Rig, key: SoftwareAuthenticator, id: string): Promise<void> {
    key.faults.clear();
    key.presence.setPolicy({ kind: 'approve' });
    key.plug();
    await until(() => key.snapshot().pluggedIn);
    const keys = await rig.svc.listKeys();
    expect(keys.map((k) => k.id)).toContain(id);
    await expect(rig.svc.getKeyInfo(id)).resolves.toMatchObject({ key: { id } });
    await expect(rig.svc.touchTest(id)).resolves.toEqual({ outcome: 'touched' });
  }

  it.each([0, 1, 2, 3, 4])('PIN change, key pulled after %i reports: explained error, PIN all-or-nothing, service usable', async (n) => {
    const rig = await serviceRig(1, { pin: PIN });
    const [{ id, key }] = rig.keys as [Rig['keys'][0]];
    await rig.svc.getKeyInfo(id);
    key.faults.disconnectAfterReports(n);
    const r = await settle(rig.svc.changePin(id, PIN, PIN2, PIN2));
    // The key-agreement answer is two reports and the changePIN answer one: up to 2, the host never sees the end.
    if (n <= 2) expect(r.error).toBeDefined();
    if (r.error) {
      expect(r.error).toBeInstanceOf(SkmError);
      expect(['KEY_DISCONNECTED', 'TIMEOUT', 'TRANSPORT']).toContain(toErrorInfo(r.error).code);
    }
    expect(key.snapshot().pinRetries).toBe(8);
    await usableAfterReplug(rig, key, id);
    // Exactly one of the two PINs opens the key.
    const oldWorks = !(await settle(rig.svc.listPasskeys(id, PIN))).error;
    const newWorks = oldWorks ? false : !(await settle(rig.svc.listPasskeys(id, PIN2))).error;
    expect(oldWorks !== newWorks).toBe(true);
    if (!r.error) expect(newWorks).toBe(true);
    await rig.svc.close();
  });

  it('touch test: pulled while waiting for the touch', async () => {
    const rig = await serviceRig(1);
    const [{ id, key }] = rig.keys as [Rig['keys'][0]];
    key.presence.setPolicy({ kind: 'manual' });
    const touch = rig.svc.touchTest(id);
    await until(() => key.presence.waiting);
    key.unplug();
    expect(await expectExplained(touch)).toBe('KEY_DISCONNECTED');
    await usableAfterReplug(rig, key, id);
    await rig.svc.close();
  });

  it('reset wizard: pulled while waiting for the touch, nothing erased, wizard can start again', async () => {
    const rig = await serviceRig(1, { pin: PIN, credentials: 1 });
    const [{ id, key }] = rig.keys as [Rig['keys'][0]];
    const prep = await rig.svc.prepareReset(id);
    key.presence.setPolicy({ kind: 'manual' });
    const run = rig.svc.startReset(id, { confirmationToken: prep.confirmationToken, understandsLoss: true, hasBackupSignIn: true });
    await until(() => rig.events.some((e) => e.type === 'reset-status' && e.status.phase === 'unplug'));
    key.unplug();
    await until(() => rig.events.some((e) => e.type === 'reset-status' && e.status.phase === 'replug'));
    key.plug();
    await until(() => key.presence.waiting);
    key.unplug();
    const status = await run;
    expect(['failed', 'unplug']).toContain(status.phase);
    expect(status.outcome?.message.length ?? 0).toBeGreaterThan(10);
    const snap = key.snapshot();
    expect(snap.pinSet).toBe(true);
    expect(snap.credentials).toHaveLength(1);
    expect((await rig.svc.getResetStatus()).phase).toBe(status.phase);
    await usableAfterReplug(rig, key, id);
    // A new, properly confirmed reset is possible.
    await expect(rig.svc.prepareReset(id)).resolves.toMatchObject({ keyId: id });
    await rig.svc.cancelReset();
    await rig.svc.close();
  });

  it('passkeys: pulled between listing and deleting, nothing deleted, a new session works after replug', async () => {
    const rig = await serviceRig(1, { pin: PIN, credentials: 2 });
    const [{ id, key }] = rig.keys as [Rig['keys'][0]];
    const { session, list } = await rig.svc.listPasskeys(id, PIN);
    const credentialId = list.sites[0]!.passkeys[0]!.credentialId;
    key.unplug();
    await until(() => !key.snapshot().pluggedIn);
    const code = await expectExplained(rig.svc.deletePasskey(session, credentialId));
    expect(['KEY_DISCONNECTED', 'INVALID_STATE', 'KEY_NOT_FOUND']).toContain(code);
    expect(key.snapshot().credentials).toHaveLength(2);
    await usableAfterReplug(rig, key, id);
    const again = await rig.svc.listPasskeys(id, PIN);
    expect(again.list.existingCount).toBe(2);
    await rig.svc.deletePasskey(again.session, credentialId);
    expect(key.snapshot().credentials).toHaveLength(1);
    await rig.svc.close();
  });

  it('passkeys: pulled in the middle of enumeration', async () => {
    const rig = await serviceRig(1, { pin: PIN, credentials: 2 });
    const [{ id, key }] = rig.keys as [Rig['keys'][0]];
    await rig.svc.getKeyInfo(id);
    key.faults.disconnectAfterReports(3);
    const code = await expectExplained(rig.svc.listPasskeys(id, PIN));
    expect(code).toBe('KEY_DISCONNECTED');
    expect(key.snapshot().pinRetries).toBe(8);
    await usableAfterReplug(rig, key, id);
    expect((await rig.svc.listPasskeys(id, PIN)).list.existingCount).toBe(2);
    await rig.svc.close();
  });
});

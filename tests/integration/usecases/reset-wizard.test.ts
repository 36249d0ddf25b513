import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { profiles } from '../../../src/authenticator/index.js';
import type { ResetStatus } from '../../../src/usecases/types.js';
import { MARKER_PIN, Rig, addPasskey, errorOf, outcomeOf, until } from './helpers.js';

const FAST = { unplugPollMs: 20, replugPollMs: 20, countdownTickMs: 50, waitTimeoutMs: 5_000 };
const ACK = { understandsLoss: true, hasBackupSignIn: true };

function statuses(rig: Rig): ResetStatus[] {
  return rig.events.flatMap((e) => (e.type === 'reset-status' ? [e.status] : []));
}
function phaseSeen(rig: Rig, phase: string): boolean {
  return statuses(rig).some((s) => s.phase === phase);
}

/**
 * Prepare and start a reset, then unplug and replug the key when the wizard asks. Returns the
 * running reset wrapped, so the caller decides when to await it (an async function would flatten it).
 */
async function startAndReplug(
  rig: Rig,
  s: ReturnType<Rig['start']>,
  key: { unplug(): void; plug(): void },
  path: string,
): Promise<{ run: Promise<ResetStatus> }> {
  const prep = await s.prepareReset(path);
  const run = s.startReset(path, { confirmationToken: prep.confirmationToken, ...ACK });
  await until(() => phaseSeen(rig, 'unplug'), 2_000);
  key.unplug();
  await until(() => phaseSeen(rig, 'replug'), 2_000);
  key.plug();
  return { run };
}

async function keyWithPasskey(rig: Rig, opts: Parameters<Rig['addKey']>[1] = {}) {
  const k = rig.addKey('a', { policy: { kind: 'manual' }, ...opts });
  k.presence.setPolicy({ kind: 'approve' });
  const s = rig.start({ reset: FAST });
  await s.setPin(k.path, MARKER_PIN, MARKER_PIN);
  await addPasskey(k.key, MARKER_PIN, 'portal.nhs.net', 'alice@nhs.net');
  k.presence.setPolicy({ kind: 'manual' });
  return { ...k, s };
}

describe('guarded factory reset', () => {
  let rig: Rig;
  afterEach(async () => rig.close());

  it('erases the key after unplug, replug and touch, sending the reset promptly on arrival', async () => {
    rig = new Rig();
    const { key, presence, path, s } = await keyWithPasskey(rig);
    const prep = await s.prepareReset(path);
    expect(prep.keyId).toBe(path);
    expect(prep.windowMs).toBe(10_000);
    expect(prep.losses.join(' ')).toMatch(/organisation's registration/);
    expect(prep.losses.join(' ')).toMatch(/PIN/);
    expect(prep.losses.join(' ')).toMatch(/[Pp]asskeys/);
    expect(prep.confirmationToken.length).toBeGreaterThanOrEqual(40);
    expect((await s.getResetStatus()).phase).toBe('awaiting-confirmation');

    const done = s.startReset(path, { confirmationToken: prep.confirmationToken, ...ACK });
    await until(() => phaseSeen(rig, 'unplug'), 2_000, 'unplug phase');
    expect(key.snapshot().pinSet).toBe(true);
    key.unplug();
    await until(() => phaseSeen(rig, 'replug'), 2_000, 'replug phase');
    const pluggedAt = Date.now();
    key.plug();
    await until(() => presence.waiting, 2_000, 'reset waiting for touch');
    expect(Date.now() - pluggedAt).toBeLessThan(300);
    await until(() => statuses(rig).filter((x) => x.phase === 'touch').length >= 3, 2_000, 'countdown');
    const touch = statuses(rig).filter((x) => x.phase === 'touch');
    expect(touch[0]!.remainingMs).toBeLessThanOrEqual(10_000);
    expect(touch.at(-1)!.remainingMs!).toBeLessThan(touch[0]!.remainingMs!);
    expect(rig.events.some((e) => e.type === 'progress' && e.operation === 'reset' && e.progress.step === 'touch-needed')).toBe(true);
    presence.touch();
    const final = await done;
    expect(final.phase).toBe('done');
    expect(key.snapshot().pinSet).toBe(false);
    expect(key.snapshot().credentials).toEqual([]);
    expect((await s.getKeyInfo(path)).pin.isSet).toBe(false);
    // The token was single-use.
    expect(await outcomeOf(s.startReset(path, { confirmationToken: prep.confirmationToken, ...ACK }))).toBe('RESET_NOT_CONFIRMED');
    expect(rig.transcript()).not.toContain(MARKER_PIN);
  });

  it('refuses while more than one key is attached', async () => {
    rig = new Rig();
    const a = rig.addKey('a');
    const s = rig.start({ reset: FAST });
    const b = rig.addKey('b');
    expect(await outcomeOf(s.prepareReset(a.path))).toBe('MULTIPLE_KEYS');
    b.key.unplug();
    const prep = await s.prepareReset(a.path);
    b.key.plug();
    expect(await outcomeOf(s.startReset(a.path, { confirmationToken: prep.confirmationToken, ...ACK }))).toBe('MULTIPLE_KEYS');
    expect(phaseSeen(rig, 'unplug')).toBe(false);
  });

  it('refuses without a prepared token, with a wrong or foreign token, without both acknowledgements, or after expiry', async () => {
    rig = new Rig();
    const a = rig.addKey('a');
    const s = rig.start({ reset: { ...FAST, tokenTtlMs: 300 } });
    expect(await outcomeOf(s.startReset(a.path, { confirmationToken: 'x', ...ACK }))).toBe('RESET_NOT_CONFIRMED');
    const prep = await s.prepareReset(a.path);
    expect(await outcomeOf(s.startReset(a.path, { confirmationToken: 'AAAA', ...ACK }))).toBe('RESET_NOT_CONFIRMED');
    expect(await outcomeOf(s.startReset('memory:other', { confirmationToken: prep.confirmationToken, ...ACK }))).toBe('RESET_NOT_CONFIRMED');
    const e = await errorOf(s.startReset(a.path, { confirmationToken: prep.confirmationToken, understandsLoss: true, hasBackupSignIn: false }));
    expect(e.outcome).toBe('RESET_NOT_CONFIRMED');
    expect(await outcomeOf(s.startReset(a.path, { confirmationToken: prep.confirmationToken, understandsLoss: false, hasBackupSignIn: true }))).toBe(
      'RESET_NOT_CONFIRMED',
    );
    await new Promise((r) => setTimeout(r, 350));
    expect(await outcomeOf(s.startReset(a.path, { confirmationToken: prep.confirmationToken, ...ACK }))).toBe('RESET_NOT_CONFIRMED');
    expect(phaseSeen(rig, 'unplug')).toBe(false);
  });

  it('cannot be driven out of order while running', async () => {
    rig = new Rig();
    const a = rig.addKey('a');
    const s = rig.start({ reset: FAST });
    const prep = await s.prepareReset(a.path);
    const run = s.startReset(a.path, { confirmationToken: prep.confirmationToken, ...ACK });
    await until(() => phaseSeen(rig, 'unplug'), 2_000);
    expect(await outcomeOf(s.startReset(a.path, { confirmationToken: prep.confirmationToken, ...ACK }))).toBe('INVALID_STATE');
    expect(await outcomeOf(s.prepareReset(a.path))).toBe('INVALID_STATE');
    await s.cancelReset();
    expect((await run).phase).toBe('cancelled');
    expect((await s.getResetStatus()).outcome?.code).toBe('CANCELLED');
  });

  it('too late: RESET_TOO_LATE and back to unplug, then success after another replug', async () => {
    rig = new Rig();
    let offset = 0;
    const { key, presence, path, s } = await keyWithPasskey(rig, { now: () => Date.now() + offset });
    let firstTouch = true;
    s.onEvent((e) => {
      // Emitted just before the reset is sent: move the key's clock past its window once.
      if (e.type === 'reset-status' && e.status.phase === 'touch' && firstTouch) {
        firstTouch = false;
        offset += 20_000;
      }
    });
    const { run } = await startAndReplug(rig, s, key, path);
    await until(() => statuses(rig).some((x) => x.phase === 'unplug' && x.outcome?.code === 'RESET_TOO_LATE'), 2_000, 'too late');
    const tooLate = statuses(rig).find((x) => x.outcome?.code === 'RESET_TOO_LATE')!;
    expect(tooLate.outcome!.message).toMatch(/[Tt]oo late/);
    expect(tooLate.outcome!.hint).toMatch(/[Uu]nplug/);
    expect(key.snapshot().pinSet).toBe(true);
    const replugs = statuses(rig).filter((x) => x.phase === 'replug').length;
    key.unplug();
    await until(() => statuses(rig).filter((x) => x.phase === 'replug').length > replugs, 2_000);
    key.plug();
    await until(() => presence.waiting, 2_000);
    presence.touch();
    expect((await run).phase).toBe('done');
    expect(key.snapshot().pinSet).toBe(false);
  });

  it('denied: RESET_DENIED and nothing erased', async () => {
    rig = new Rig();
    const { key, presence, path, s } = await keyWithPasskey(rig);
    const { run } = await startAndReplug(rig, s, key, path);
    await until(() => presence.waiting, 2_000);
    presence.refuse();
    const final = await run;
    expect(final.phase).toBe('failed');
    expect(final.outcome?.code).toBe('RESET_DENIED');
    expect(key.snapshot().pinSet).toBe(true);
    expect(key.snapshot().credentials).toHaveLength(1);
  });

  it('no touch in time: RESET_TIMEOUT', async () => {
    rig = new Rig();
    const { key, path, s } = await keyWithPasskey(rig, { presenceTimeoutMs: 300 });
    const { run } = await startAndReplug(rig, s, key, path);
    const final = await run;
    expect(final.outcome?.code).toBe('RESET_TIMEOUT');
    expect(key.snapshot().pinSet).toBe(true);
  });

  it('cancel while waiting for the touch', async () => {
    rig = new Rig();
    const { key, presence, path, s } = await keyWithPasskey(rig);
    const { run } = await startAndReplug(rig, s, key, path);
    await until(() => presence.waiting, 2_000);
    await s.cancelReset();
    const final = await run;
    expect(final.phase).toBe('cancelled');
    expect(key.snapshot().pinSet).toBe(true);
    // A new reset can be prepared afterwards.
    expect((await s.prepareReset(path)).keyId).toBe(path);
  });

  it('fails with TIMEOUT when the key is not unplugged in time', async () => {
    rig = new Rig();
    const a = rig.addKey('a');
    const s = rig.start({ reset: { ...FAST, waitTimeoutMs: 200 } });
    const prep = await s.prepareReset(a.path);
    const final = await s.startReset(a.path, { confirmationToken: prep.confirmationToken, ...ACK });
    expect(final.phase).toBe('failed');
    expect(final.outcome?.code).toBe('TIMEOUT');
  });

  it('waits for the same key: another key of the same model with another serial is ignored (it must go before the key returns)', async () => {
    rig = new Rig();
    const a = rig.addKey('a', { serialNumber: 'S-1', policy: { kind: 'manual' } });
    const s = rig.start({ reset: FAST });
    const prep = await s.prepareReset(a.path);
    const run = s.startReset(a.path, { confirmationToken: prep.confirmationToken, ...ACK });
    await until(() => phaseSeen(rig, 'unplug'), 2_000);
    a.key.unplug();
    await until(() => phaseSeen(rig, 'replug'), 2_000);
    const b = rig.addKey('b', { serialNumber: 'S-2', policy: { kind: 'manual' } });
    await new Promise((r) => setTimeout(r, 200));
    expect(b.presence.waiting).toBe(false);
    expect((await s.getResetStatus()).phase).toBe('replug');
    // Two keys attached at once would fail with MULTIPLE_KEYS (tested below), so the other one goes first.
    b.key.unplug();
    a.key.plug();
    await until(() => a.presence.waiting, 2_000);
    a.presence.touch();
    const final = await run;
    expect(final.phase).toBe('done');
    expect(final.keyId).toBe(a.path);
  });

  it('long-touch keys: the preparation and the touch phase say so', async () => {
    rig = new Rig();
    const k = rig.addKey('a', { profile: { ...profiles.ctap21, longTouchForReset: true }, policy: { kind: 'manual' } });
    const s = rig.start({ reset: FAST });
    const prep = await s.prepareReset(k.path);
    expect(prep.longTouchForReset).toBe(true);
    const run = s.startReset(k.path, { confirmationToken: prep.confirmationToken, ...ACK });
    await until(() => phaseSeen(rig, 'unplug'), 2_000);
    k.key.unplug();
    await until(() => phaseSeen(rig, 'replug'), 2_000);
    k.key.plug();
    await until(() => k.presence.waiting, 2_000);
    expect(statuses(rig).find((x) => x.phase === 'touch')?.longTouch).toBe(true);
    k.presence.touch();
    expect((await run).phase).toBe('done');
  });
});

/** Fail fast instead of hanging when a promise does not settle in time (a bug would otherwise run to the 5 s wait timeout). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}

/** Holds every key listing of a provider until released, so a test can act while the service waits for the list. */
function holdListings(rig: Rig) {
  const list = rig.provider.list.bind(rig.provider);
  let held: (() => void)[] | undefined;
  rig.provider.list = async () => {
    if (held) await new Promise<void>((r) => held!.push(r));
    return list();
  };
  return {
    hold: () => {
      held = [];
    },
    get waiting() {
      return held?.length ?? 0;
    },
    release: () => {
      const waiters = held ?? [];
      held = undefined;
      for (const r of waiters) r();
    },
  };
}

describe('guarded factory reset: the right key, once', () => {
  let rig: Rig;
  afterEach(async () => rig.close());

  it('refuses when another key now has the path the reset was prepared for, and withdraws the token', async () => {
    rig = new Rig();
    const a = rig.addKey('a', { serialNumber: 'S-1', policy: { kind: 'manual' } });
    const s = rig.start({ reset: FAST });
    const prep = await s.prepareReset(a.path);
    // Key A goes; key B (same model, another serial) arrives and gets the same device path.
    a.key.unplug();
    rig.provider.remove(a.path);
    const b = rig.addKey('a', { serialNumber: 'S-2', policy: { kind: 'manual' } });
    expect(b.path).toBe(a.path);
    const e = await errorOf(s.startReset(b.path, { confirmationToken: prep.confirmationToken, ...ACK }));
    expect(e.outcome).toBe('RESET_NOT_CONFIRMED');
    expect(e.message).toBe('The reset was not started: a different key is plugged in now.');
    expect(e.details.hint).toBe('Prepare the reset again.');
    expect(phaseSeen(rig, 'unplug')).toBe(false);
    expect(b.presence.waiting).toBe(false);
    // The token is gone: even with key A back at that path it no longer works.
    b.key.unplug();
    rig.provider.remove(b.path);
    rig.provider.add({ device: a.key, descriptor: { name: 'a', vendorId: a.key.profile.vendorId, productId: a.key.profile.productId, serialNumber: 'S-1' } });
    a.key.plug();
    expect(await outcomeOf(s.startReset(a.path, { confirmationToken: prep.confirmationToken, ...ACK }))).toBe('RESET_NOT_CONFIRMED');
    expect(phaseSeen(rig, 'unplug')).toBe(false);
  });

  it('a key of another model on the same path is refused too', async () => {
    rig = new Rig();
    const a = rig.addKey('a');
    const s = rig.start({ reset: FAST });
    const prep = await s.prepareReset(a.path);
    a.key.unplug();
    rig.provider.remove(a.path);
    const b = rig.addKey('a', { profile: { ...profiles.ctap21, vendorId: 0x20a0, productId: 0x42b1 }, policy: { kind: 'manual' } });
    expect(b.path).toBe(a.path);
    const e = await errorOf(s.startReset(b.path, { confirmationToken: prep.confirmationToken, ...ACK }));
    expect(e.outcome).toBe('RESET_NOT_CONFIRMED');
    expect(e.message).toMatch(/different key/);
    expect(phaseSeen(rig, 'unplug')).toBe(false);
  });

  it('fails with MULTIPLE_KEYS when the key comes back together with another key of the same model, sending nothing', async () => {
    rig = new Rig();
    // The other key sorts first in the key list, so taking "the first match" would pick it.
    const other = rig.addKey('a', { policy: { kind: 'manual' } });
    other.key.unplug();
    const k = rig.addKey('b', { policy: { kind: 'manual' } });
    const s = rig.start({ reset: FAST });
    const prep = await s.prepareReset(k.path);
    const run = s.startReset(k.path, { confirmationToken: prep.confirmationToken, ...ACK });
    await until(() => phaseSeen(rig, 'unplug'), 2_000, 'unplug phase');
    k.key.unplug();
    await until(() => phaseSeen(rig, 'replug'), 2_000, 'replug phase');
    other.key.plug();
    k.key.plug();
    const final = await within(run, 2_000, 'the reset');
    expect(final.phase).toBe('failed');
    expect(final.outcome?.code).toBe('MULTIPLE_KEYS');
    expect(final.outcome?.message).toBe('More than one security key is plugged in, so the reset was not sent.');
    expect(final.outcome?.hint).toBe('Nothing was erased. Unplug every other key and start again.');
    expect(phaseSeen(rig, 'touch')).toBe(false);
    expect(rig.events.some((e) => e.type === 'progress' && e.operation === 'reset' && e.progress.step === 'sending')).toBe(false);
    expect(other.presence.waiting).toBe(false);
    expect(k.presence.waiting).toBe(false);
    // Once the other key is gone, a new reset can be prepared.
    other.key.unplug();
    expect((await s.prepareReset(k.path)).keyId).toBe(k.path);
  });

  it('two simultaneous starts with one token: the second is refused and the first can still be cancelled', async () => {
    rig = new Rig();
    const a = rig.addKey('a', { policy: { kind: 'manual' } });
    const s = rig.start({ reset: FAST });
    const prep = await s.prepareReset(a.path);
    const first = s.startReset(a.path, { confirmationToken: prep.confirmationToken, ...ACK });
    const second = s.startReset(a.path, { confirmationToken: prep.confirmationToken, ...ACK });
    const e = await within(errorOf(second), 1_000, 'the second start');
    expect(e.outcome).toBe('INVALID_STATE');
    expect(e.message).toBe('A reset is already in progress.');
    await until(() => phaseSeen(rig, 'unplug'), 2_000, 'unplug phase');
    await s.cancelReset();
    const final = await within(first, 1_000, 'the first start');
    expect(final.phase).toBe('cancelled');
    expect(final.outcome?.code).toBe('CANCELLED');
    expect(statuses(rig).filter((x) => x.phase === 'unplug')).toHaveLength(1);
    expect(statuses(rig).map((x) => x.phase)).not.toContain('failed');
  });

  it('a cancel while the start is still looking at the keys ends cleanly as cancelled', async () => {
    rig = new Rig();
    const a = rig.addKey('a', { policy: { kind: 'manual' } });
    const s = rig.start({ reset: FAST });
    const prep = await s.prepareReset(a.path);
    const gate = holdListings(rig);
    gate.hold();
    onTestFinished(() => gate.release());
    const run = s.startReset(a.path, { confirmationToken: prep.confirmationToken, ...ACK });
    await until(() => gate.waiting > 0, 2_000, 'the key listing');
    await new Promise((r) => setTimeout(r, 20));
    // No second start and no new preparation while the first start is under way.
    expect(await within(outcomeOf(s.startReset(a.path, { confirmationToken: prep.confirmationToken, ...ACK })), 500, 'a second start')).toBe('INVALID_STATE');
    expect(await within(outcomeOf(s.prepareReset(a.path)), 500, 'a new preparation')).toBe('INVALID_STATE');
    await s.cancelReset();
    gate.release();
    const final = await within(run, 1_000, 'the start');
    expect(final.phase).toBe('cancelled');
    expect(final.outcome?.code).toBe('CANCELLED');
    expect(phaseSeen(rig, 'unplug')).toBe(false);
    // The token went with the cancel.
    expect(await outcomeOf(s.startReset(a.path, { confirmationToken: prep.confirmationToken, ...ACK }))).toBe('RESET_NOT_CONFIRMED');
  });
});

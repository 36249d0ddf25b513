import { afterEach, describe, expect, it } from 'vitest';
import { MARKER_PIN, Rig, addPasskey, errorOf, outcomeOf, until } from './helpers.js';

describe('passkeys', () => {
  let rig: Rig;
  afterEach(async () => rig.close());

  it('lists sites and passkeys with counts, deletes one, and keeps no PIN', async () => {
    rig = new Rig();
    const { key, path } = rig.addKey('a');
    const s = rig.start();
    await s.setPin(path, MARKER_PIN, MARKER_PIN);
    await addPasskey(key, MARKER_PIN, 'portal.nhs.net', 'alice@nhs.net', 'Alice Example');
    await addPasskey(key, MARKER_PIN, 'example.org', 'alice');
    await addPasskey(key, MARKER_PIN, 'example.org', 'bob');

    const { session, list } = await s.listPasskeys(path, MARKER_PIN);
    expect(list.existingCount).toBe(3);
    expect(list.remainingCount).toBe(key.profile.capacity - 3);
    expect(list.sites.map((x) => x.rpId)).toEqual(['example.org', 'portal.nhs.net']);
    const nhs = list.sites.find((x) => x.rpId === 'portal.nhs.net')!;
    expect(nhs.passkeys).toHaveLength(1);
    expect(nhs.passkeys[0]!.userName).toBe('alice@nhs.net');
    expect(nhs.passkeys[0]!.userDisplayName).toBe('Alice Example');
    expect(nhs.passkeys[0]!.credentialId).toMatch(/^[0-9a-f]+$/);
    const names = list.sites.find((x) => x.rpId === 'example.org')!.passkeys.map((p) => p.userName).sort();
    expect(names).toEqual(['alice', 'bob']);

    const victim = list.sites.find((x) => x.rpId === 'example.org')!.passkeys.find((p) => p.userName === 'bob')!;
    const after = await s.deletePasskey(session, victim.credentialId);
    expect(after.existingCount).toBe(2);
    expect(after.sites.find((x) => x.rpId === 'example.org')!.passkeys.map((p) => p.userName)).toEqual(['alice']);
    expect(key.snapshot().credentials.map((c) => c.userName).sort()).toEqual(['alice', 'alice@nhs.net']);

    expect(await outcomeOf(s.deletePasskey(session, 'zz'))).toBe('INVALID_ARGUMENT');
    await s.closePasskeys(session);
    expect(await outcomeOf(s.deletePasskey(session, victim.credentialId))).toBe('INVALID_STATE');
    expect(rig.transcript([list, after])).not.toContain(MARKER_PIN);
  });

  it('an empty key lists nothing', async () => {
    rig = new Rig();
    const { path } = rig.addKey('a');
    const s = rig.start();
    await s.setPin(path, MARKER_PIN, MARKER_PIN);
    const { list, session } = await s.listPasskeys(path, MARKER_PIN);
    expect(list.sites).toEqual([]);
    expect(list.existingCount).toBe(0);
    await s.closePasskeys(session);
  });

  it('a wrong PIN is WRONG_PIN with retries, no PIN is PIN_NOT_SET, a 2.0 key is NOT_SUPPORTED', async () => {
    rig = new Rig();
    const a = rig.addKey('a');
    const b = rig.addKey('b', { profile: 'ctap20' });
    const s = rig.start();
    expect(await outcomeOf(s.listPasskeys(a.path, MARKER_PIN))).toBe('PIN_NOT_SET');
    await s.setPin(a.path, MARKER_PIN, MARKER_PIN);
    const e = await errorOf(s.listPasskeys(a.path, 'wrong-pin-1'));
    expect(e.outcome).toBe('WRONG_PIN');
    expect(e.details.retriesLeft).toBe(7);
    await s.setPin(b.path, MARKER_PIN, MARKER_PIN);
    expect(await outcomeOf(s.listPasskeys(b.path, MARKER_PIN))).toBe('NOT_SUPPORTED');
  });

  it('sessions die on unplug and after the idle time', async () => {
    rig = new Rig();
    const { key, path } = rig.addKey('a');
    const s = rig.start({ passkeySessionIdleMs: 150 });
    await s.setPin(path, MARKER_PIN, MARKER_PIN);
    await addPasskey(key, MARKER_PIN, 'example.org', 'alice');
    const first = await s.listPasskeys(path, MARKER_PIN);
    const id = first.list.sites[0]!.passkeys[0]!.credentialId;
    key.unplug();
    await until(() => rig.events.some((e) => e.type === 'keys-changed' && e.removed.includes(path)), 1_000, 'unplug noticed');
    key.plug();
    expect(await outcomeOf(s.deletePasskey(first.session, id))).toBe('INVALID_STATE');

    await until(() => s !== undefined && rig.events.some((e) => e.type === 'keys-changed' && e.added.includes(path) && e.keys.length === 1), 1_000);
    const second = await s.listPasskeys(path, MARKER_PIN);
    await new Promise((r) => setTimeout(r, 300));
    expect(await outcomeOf(s.deletePasskey(second.session, id))).toBe('INVALID_STATE');
    expect(key.snapshot().credentials).toHaveLength(1);
  });

  it('previewReset lists what a reset would erase, without keeping a session', async () => {
    rig = new Rig();
    const { key, path } = rig.addKey('a');
    const s = rig.start();
    await s.setPin(path, MARKER_PIN, MARKER_PIN);
    await addPasskey(key, MARKER_PIN, 'portal.nhs.net', 'alice@nhs.net');
    const preview = await s.previewReset(path, MARKER_PIN);
    expect(preview.existingCount).toBe(1);
    expect(preview.sites[0]!.rpId).toBe('portal.nhs.net');
  });
});

describe('key settings (authenticatorConfig)', () => {
  let rig: Rig;
  afterEach(async () => rig.close());

  it('raises the minimum PIN length and refuses lowering it', async () => {
    rig = new Rig();
    const { key, path } = rig.addKey('a');
    const s = rig.start();
    await s.setPin(path, MARKER_PIN, MARKER_PIN);
    const r = await s.updateSettings(path, MARKER_PIN, { minPINLength: 10 });
    expect(r.minPINLength).toBe(10);
    expect(key.snapshot().minPinLength).toBe(10);
    expect((await s.getKeyInfo(path)).pin.minPINLength).toBe(10);
    const retries = key.snapshot().pinRetries;
    expect(await outcomeOf(s.updateSettings(path, MARKER_PIN, { minPINLength: 6 }))).toBe('INVALID_ARGUMENT');
    expect(await outcomeOf(s.updateSettings(path, MARKER_PIN, { minPINLength: 3 }))).toBe('INVALID_ARGUMENT');
    expect(await outcomeOf(s.updateSettings(path, MARKER_PIN, {}))).toBe('INVALID_ARGUMENT');
    // Refused before any PIN was sent.
    expect(key.snapshot().pinRetries).toBe(retries);
    expect(key.snapshot().minPinLength).toBe(10);
  });

  it('forces a PIN change and toggles alwaysUv', async () => {
    rig = new Rig();
    const { key, path } = rig.addKey('a');
    const s = rig.start();
    await s.setPin(path, MARKER_PIN, MARKER_PIN);
    const before = key.snapshot().alwaysUv;
    const r = await s.updateSettings(path, MARKER_PIN, { toggleAlwaysUv: true });
    expect(r.alwaysUv).toBe(!before);
    expect(key.snapshot().alwaysUv).toBe(!before);
    const f = await s.updateSettings(path, MARKER_PIN, { forcePINChange: true });
    expect(f.forcePINChange).toBe(true);
    expect(key.snapshot().forcePinChange).toBe(true);
    expect(await outcomeOf(s.updateSettings(path, MARKER_PIN, { forcePINChange: false }))).toBe('INVALID_ARGUMENT');
  });

  it('a wrong PIN changes nothing; a key without authenticatorConfig is NOT_SUPPORTED', async () => {
    rig = new Rig();
    const a = rig.addKey('a');
    const b = rig.addKey('b', { profile: 'ctap20' });
    const s = rig.start();
    await s.setPin(a.path, MARKER_PIN, MARKER_PIN);
    const e = await errorOf(s.updateSettings(a.path, 'not-the-pin', { minPINLength: 8 }));
    expect(e.outcome).toBe('WRONG_PIN');
    expect(a.key.snapshot().minPinLength).toBe(4);
    await s.setPin(b.path, MARKER_PIN, MARKER_PIN);
    expect(await outcomeOf(s.updateSettings(b.path, MARKER_PIN, { minPINLength: 8 }))).toBe('NOT_SUPPORTED');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { MARKER_PIN, Rig, errorOf, outcomeOf, until } from './helpers.js';

describe('watch keys', () => {
  let rig: Rig;
  afterEach(async () => rig.close());

  it('reports a key added and removed within 500 ms', async () => {
    rig = new Rig();
    const a = rig.addKey('a');
    const s = rig.start({ pollIntervalMs: 250 });
    await until(() => rig.events.some((e) => e.type === 'keys-changed' && e.added.includes(a.path)), 500, 'initial list');
    const b = rig.addKey('b');
    let t = Date.now();
    await until(() => rig.events.some((e) => e.type === 'keys-changed' && e.added.includes(b.path)), 500, 'added');
    expect(Date.now() - t).toBeLessThan(500);
    t = Date.now();
    a.key.unplug();
    await until(() => rig.events.some((e) => e.type === 'keys-changed' && e.removed.includes(a.path)), 500, 'removed');
    expect(Date.now() - t).toBeLessThan(500);
    const last = rig.events.filter((e) => e.type === 'keys-changed').at(-1)!;
    expect(last.type === 'keys-changed' && last.keys.map((k) => k.id)).toEqual([b.path]);
    expect((await s.listKeys()).map((k) => k.id)).toEqual([b.path]);
  });

  it('emits nothing while the list is unchanged, and stops polling without listeners', async () => {
    rig = new Rig();
    rig.addKey('a');
    const s = rig.start({ pollIntervalMs: 20 });
    await until(() => rig.events.length > 0, 500);
    const count = rig.events.length;
    let lists = 0;
    const orig = rig.provider.list.bind(rig.provider);
    rig.provider.list = async () => {
      lists++;
      return orig();
    };
    await new Promise((r) => setTimeout(r, 150));
    expect(rig.events.length).toBe(count);
    expect(lists).toBeGreaterThan(2);
    await rig.close();
    const after = lists;
    await new Promise((r) => setTimeout(r, 100));
    expect(lists).toBe(after);
    void s;
  });

  it('lists on demand without a listener', async () => {
    rig = new Rig();
    const a = rig.addKey('a', { serialNumber: 'SN-1' });
    rig.start();
    const keys = await rig.service.listKeys();
    expect(keys).toEqual([
      { id: a.path, transport: 'memory', isDemo: false, vendorId: a.key.profile.vendorId, productId: a.key.profile.productId, manufacturer: a.key.profile.manufacturer, product: a.key.profile.product, serialNumber: 'SN-1' },
    ]);
  });
});

describe('key info and support report', () => {
  let rig: Rig;
  afterEach(async () => rig.close());

  it('describes a CTAP 2.1 key', async () => {
    rig = new Rig();
    const { key, path } = rig.addKey('a');
    const s = rig.start();
    const info = await s.getKeyInfo(path);
    expect(info.kind).toBe('fido2');
    expect(info.model).toEqual({ name: 'Security Key Manager software key (CTAP 2.1)', aaguid: '5c6b1e1a-0d2f-4a8e-9b52-7f0e3c2d2121', known: true });
    expect(info.firmwareVersion).toBe('5.7.0');
    expect(info.hid.capabilities).toEqual({ wink: true, cbor: true, nmsg: false });
    expect(info.ctapVersions).toContain('FIDO_2_1');
    expect(info.pin).toMatchObject({ isSet: false, retries: 8, blocked: false, forcePINChange: false, minPINLength: 4, maxPINLengthBytes: 63 });
    expect(info.supports).toMatchObject({ selection: true, credentialManagement: true, config: true, setMinPINLength: true, wink: true });
    expect(info.options.find((o) => o.name === 'clientPin')?.label).toMatch(/none is set/);
    expect(info.getInfo.aaguid).toBe('5c6b1e1a0d2f4a8e9b527f0e3c2d2121');
    expect(info.getInfo.versions).toEqual(key.profile.versions);
    expect(info.remainingDiscoverableCredentials).toBe(key.profile.capacity);
    expect(() => JSON.stringify(info)).not.toThrow();
    expect(JSON.parse(JSON.stringify(info))).toEqual(info);
  });

  it('describes a U2F-only key with what it can and cannot do', async () => {
    rig = new Rig();
    const { path } = rig.addKey('u', { profile: 'u2f' });
    const s = rig.start();
    const info = await s.getKeyInfo(path);
    expect(info.kind).toBe('u2f-only');
    expect(info.limitations?.cannot.join(' ')).toMatch(/PIN/);
    expect(info.limitations?.can.length).toBeGreaterThan(0);
    expect(await outcomeOf(s.setPin(path, '123456', '123456'))).toBe('U2F_ONLY');
    expect(await outcomeOf(s.prepareReset(path))).toBe('U2F_ONLY');
    const report = await s.getSupportReport(path);
    expect(report).toMatch(/U2F-only/);
  });

  it('support report has the facts and never the PIN', async () => {
    rig = new Rig();
    const { path } = rig.addKey('a', { serialNumber: 'SERIAL-77' });
    const s = rig.start();
    await s.setPin(path, MARKER_PIN, MARKER_PIN);
    const report = await s.getSupportReport(path);
    expect(report).toMatch(/Security Key Manager software key \(CTAP 2\.1\)/);
    expect(report).toMatch(/SERIAL-77/);
    expect(report).toMatch(/PIN set\s+yes/);
    expect(report).toMatch(/Tries left\s+8/);
    expect(report).toMatch(/Local Administrator/);
    expect(report).not.toContain(MARKER_PIN);
  });

  it('an unknown key id is KEY_NOT_FOUND', async () => {
    rig = new Rig();
    rig.addKey('a');
    const s = rig.start();
    expect(await outcomeOf(s.getKeyInfo('memory:nope'))).toBe('KEY_NOT_FOUND');
    expect(await outcomeOf(s.getKeyInfo(''))).toBe('INVALID_ARGUMENT');
  });
});

describe('touch test, identify, busy and cancel', () => {
  let rig: Rig;
  afterEach(async () => rig.close());

  it('touched, refused, timed out, cancelled; touch-needed reported', async () => {
    rig = new Rig();
    const { presence, path } = rig.addKey('a', { policy: { kind: 'manual' }, presenceTimeoutMs: 300 });
    const s = rig.start();
    let p = s.touchTest(path);
    await until(() => presence.waiting, 2_000, 'blinking');
    await until(() => rig.events.some((e) => e.type === 'progress' && e.keyId === path && e.progress.step === 'touch-needed'), 1_000, 'touch-needed');
    presence.touch();
    expect(await p).toEqual({ outcome: 'touched' });

    p = s.touchTest(path);
    await until(() => presence.waiting, 2_000);
    presence.refuse();
    expect(await outcomeOf(p)).toBe('TOUCH_REFUSED');

    expect(await outcomeOf(s.touchTest(path))).toBe('TOUCH_TIMEOUT');

    p = s.touchTest(path);
    await until(() => presence.waiting, 2_000);
    await s.cancel(path);
    expect(await outcomeOf(p)).toBe('CANCELLED');
    // The key is usable again afterwards.
    expect((await s.getKeyInfo(path)).kind).toBe('fido2');
  });

  it('CTAP 2.0 keys use the fallback touch request', async () => {
    rig = new Rig();
    const { presence, path } = rig.addKey('old', { profile: 'ctap20', policy: { kind: 'manual' } });
    const s = rig.start();
    const p = s.touchTest(path);
    await until(() => presence.waiting, 2_000);
    presence.touch();
    expect(await p).toEqual({ outcome: 'touched' });
  });

  it('a second operation on a busy key gets KEY_BUSY', async () => {
    rig = new Rig();
    const { presence, path } = rig.addKey('a', { policy: { kind: 'manual' } });
    const s = rig.start();
    const p = s.touchTest(path);
    await until(() => presence.waiting, 2_000);
    const busy = await errorOf(s.getKeyInfo(path));
    expect(busy.outcome).toBe('KEY_BUSY');
    presence.touch();
    await p;
  });

  it('keys are independent: one waits for a touch while another answers', async () => {
    rig = new Rig();
    const a = rig.addKey('a', { policy: { kind: 'manual' } });
    const b = rig.addKey('b');
    const s = rig.start();
    const p = s.touchTest(a.path);
    await until(() => a.presence.waiting, 2_000);
    expect((await s.getKeyInfo(b.path)).kind).toBe('fido2');
    expect(await s.touchTest(b.path)).toEqual({ outcome: 'touched' });
    a.presence.touch();
    await p;
  });

  it('wink where supported', async () => {
    rig = new Rig();
    const { key, path } = rig.addKey('a');
    const s = rig.start();
    let winks = 0;
    key.onWink(() => winks++);
    await s.wink(path);
    expect(winks).toBe(1);
  });

  it('pick by touch: the first touched wins, the others are cancelled', async () => {
    rig = new Rig();
    const a = rig.addKey('a', { policy: { kind: 'manual' } });
    const b = rig.addKey('b', { policy: { kind: 'manual' } });
    const c = rig.addKey('c', { policy: { kind: 'manual' } });
    const s = rig.start();
    const p = s.pickByTouch([a.path, b.path, c.path]);
    await until(() => a.presence.waiting && b.presence.waiting && c.presence.waiting, 2_000, 'all blinking');
    b.presence.touch();
    expect(await p).toEqual({ keyId: b.path });
    await until(() => !a.presence.waiting && !c.presence.waiting, 2_000, 'others cancelled');
    // All keys are free again.
    expect((await s.getKeyInfo(a.path)).kind).toBe('fido2');
    expect(await outcomeOf(s.pickByTouch([]))).toBe('INVALID_ARGUMENT');
  });
});

describe('U2F-only touch test', () => {
  it('polls a U2F register until the key is touched; cancel works', async () => {
    const rig = new Rig();
    const { presence, path } = rig.addKey('u', { profile: 'u2f', policy: { kind: 'manual' } });
    const s = rig.start();
    try {
      let p = s.touchTest(path);
      await until(() => presence.waiting, 2_000, 'blinking');
      expect(rig.events.some((e) => e.type === 'progress' && e.keyId === path && e.progress.step === 'touch-needed')).toBe(true);
      presence.touch();
      expect(await p).toEqual({ outcome: 'touched' });
      p = s.touchTest(path);
      await new Promise((r) => setTimeout(r, 250));
      await s.cancel(path);
      expect(await outcomeOf(p)).toBe('CANCELLED');
    } finally {
      await rig.close();
    }
  });
});

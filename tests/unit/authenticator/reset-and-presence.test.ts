import { describe, expect, it } from 'vitest';
import { Cmd, Host, PinHost, S } from './host.js';

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('authenticatorReset (§6.6)', () => {
  it('erases PIN, credentials and config inside the window, needs a touch', async () => {
    const c = clock();
    const h = Host.create({ now: c.now, resetWindowMs: 10_000 });
    const cid = await h.init();
    const pin = new PinHost(h, cid);
    await pin.setPin('1234');
    c.advance(9_000);
    expect((await h.cbor(cid, Cmd.RESET)).status).toBe(S.OK);
    expect(h.key.snapshot()).toMatchObject({ pinSet: false, pinRetries: 8, credentials: [], minPinLength: 4, alwaysUv: false });
  });

  it('answers NOT_ALLOWED after the window; plug() restarts it', async () => {
    const c = clock();
    const h = Host.create({ now: c.now, resetWindowMs: 10_000 });
    let cid = await h.init();
    await new PinHost(h, cid).setPin('1234');
    c.advance(10_001);
    expect(h.key.snapshot().msSincePowerUp).toBe(10_001);
    expect((await h.cbor(cid, Cmd.RESET)).status).toBe(S.NOT_ALLOWED);
    expect(h.key.snapshot().pinSet).toBe(true);
    h.key.unplug();
    c.advance(60_000);
    h.key.plug();
    expect(h.key.snapshot().msSincePowerUp).toBe(0);
    cid = await h.init();
    expect((await h.cbor(cid, Cmd.RESET)).status).toBe(S.OK);
  });

  it('answers OPERATION_DENIED when the user refuses and USER_ACTION_TIMEOUT when nobody touches', async () => {
    const h = Host.create({ presence: { kind: 'deny' }, presenceTimeoutMs: 60 });
    const cid = await h.init();
    await new PinHost(h, cid).setPin('1234');
    expect((await h.cbor(cid, Cmd.RESET)).status).toBe(S.OPERATION_DENIED);
    h.key.presence.setPolicy({ kind: 'never' });
    expect((await h.cbor(cid, Cmd.RESET)).status).toBe(S.USER_ACTION_TIMEOUT);
    expect(h.key.snapshot().pinSet).toBe(true);
  });
});

describe('user presence policies', () => {
  it('manual: the request waits for touch(), onRequest reports blinking', async () => {
    const h = Host.create({ presence: { kind: 'manual' } });
    const seen: boolean[] = [];
    h.key.presence.onRequest((w) => seen.push(w));
    const cid = await h.init();
    const answer = h.cbor(cid, Cmd.SEL);
    while (!h.key.presence.waiting) await new Promise((r) => setTimeout(r, 2));
    h.key.presence.touch();
    expect((await answer).status).toBe(S.OK);
    expect(seen).toEqual([true, false]);
  });

  it('manual: refuse() answers OPERATION_DENIED', async () => {
    const h = Host.create({ presence: { kind: 'manual' } });
    const cid = await h.init();
    const answer = h.cbor(cid, Cmd.SEL);
    while (!h.key.presence.waiting) await new Promise((r) => setTimeout(r, 2));
    h.key.presence.refuse();
    expect((await answer).status).toBe(S.OPERATION_DENIED);
  });

  it('approve-after waits about that long', async () => {
    const h = Host.create({ presence: { kind: 'approve-after', ms: 80 } });
    const cid = await h.init();
    const start = Date.now();
    expect((await h.cbor(cid, Cmd.SEL)).status).toBe(S.OK);
    expect(Date.now() - start).toBeGreaterThanOrEqual(70);
  });

  it('touch() with nothing pending does not approve a later request', async () => {
    const h = Host.create({ presence: { kind: 'manual' }, presenceTimeoutMs: 60 });
    h.key.presence.touch();
    const cid = await h.init();
    expect((await h.cbor(cid, Cmd.SEL)).status).toBe(S.USER_ACTION_TIMEOUT);
  });

  it('unplug during a touch wait drops the request without an answer', async () => {
    const h = Host.create({ presence: { kind: 'manual' } });
    let disconnected = 0;
    h.key.onDisconnect(() => disconnected++);
    const cid = await h.init();
    h.send(cid, 0x90, Uint8Array.of(Cmd.SEL));
    while (!h.key.presence.waiting) await new Promise((r) => setTimeout(r, 2));
    h.reports.length = 0;
    h.key.unplug();
    expect(h.key.connected).toBe(false);
    expect(h.key.presence.waiting).toBe(false);
    expect(disconnected).toBe(1);
    expect(await h.silentFor(120)).toBe(true);
    h.key.plug();
    expect(h.key.connected).toBe(true);
    // old channel is gone
    h.send(cid, 0x81, Uint8Array.of(1));
    const m = await h.message(cid);
    expect([m.cmd, m.payload[0]]).toEqual([0xbf, S.INVALID_CHANNEL]);
  });
});

describe('authenticatorSelection and the CTAP 2.0 touch probe', () => {
  it('selection exists only on CTAP 2.1 keys', async () => {
    const h = Host.create({ profile: 'ctap20' });
    const cid = await h.init();
    expect((await h.cbor(cid, Cmd.SEL)).status).toBe(S.INVALID_COMMAND);
    expect((await h.cbor(cid, Cmd.CM, new Map([[1, 1]]))).status).toBe(S.INVALID_COMMAND);
    expect((await h.cbor(cid, Cmd.CFG, new Map([[1, 2]]))).status).toBe(S.INVALID_COMMAND);
    const info = await h.cbor(cid, Cmd.INFO);
    expect(info.body!.get(1)).toEqual(['U2F_V2', 'FIDO_2_0']);
    expect(info.body!.get(6)).toEqual([1]);
    expect(info.body!.has(0x0d)).toBe(false);
  });

  it('makeCredential with an empty pinUvAuthParam waits for a touch, then PIN_NOT_SET or PIN_INVALID', async () => {
    const h = Host.create({ profile: 'ctap20', presence: { kind: 'approve-after', ms: 30 } });
    const cid = await h.init();
    const probe = new Map<unknown, unknown>([
      [1, new Uint8Array(32)],
      [2, new Map([['id', '.dummy']])],
      [3, new Map<string, unknown>([['id', Uint8Array.of(1)], ['name', 'dummy']])],
      [4, [new Map<string, unknown>([['alg', -7], ['type', 'public-key']])]],
      [8, new Uint8Array(0)],
      [9, 1],
    ]);
    const t0 = Date.now();
    expect((await h.cbor(cid, Cmd.MC, probe)).status).toBe(S.PIN_NOT_SET);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    await new PinHost(h, cid, 1).setPin('1234');
    expect((await h.cbor(cid, Cmd.MC, probe)).status).toBe(S.PIN_INVALID);
    h.key.presence.setPolicy({ kind: 'deny' });
    expect((await h.cbor(cid, Cmd.MC, probe)).status).toBe(S.OPERATION_DENIED);
  });
});

import { describe, expect, it } from 'vitest';
import { encodeCbor } from '../../../src/cbor.js';
import { Cmd, Host, PinHost, Perm, S } from './host.js';

function cfg(pin: PinHost, token: Uint8Array | undefined, sub: number, params?: Map<unknown, unknown>): Map<unknown, unknown> {
  const m = new Map<unknown, unknown>([[1, sub]]);
  if (params) m.set(2, params);
  if (token) {
    const enc = params ? encodeCbor(params as never) : new Uint8Array(0);
    const msg = new Uint8Array([...new Uint8Array(32).fill(0xff), 0x0d, sub, ...enc]);
    m.set(3, pin.protocol.version);
    m.set(4, pin.auth(token, msg));
  }
  return m;
}

async function withPin(pinValue = '1234') {
  const h = Host.create();
  const cid = await h.init();
  const pin = new PinHost(h, cid);
  await pin.setPin(pinValue);
  const { token } = await pin.token(pinValue, Perm.ACFG);
  return { h, cid, pin, token: token! };
}

describe('authenticatorConfig (§6.11)', () => {
  it('toggles alwaysUv with an acfg token; getInfo follows', async () => {
    const { h, cid, pin, token } = await withPin();
    expect((await h.cbor(cid, Cmd.CFG, cfg(pin, token, 2))).status).toBe(S.OK);
    expect(h.key.snapshot().alwaysUv).toBe(true);
    const info = await h.cbor(cid, Cmd.INFO);
    expect((info.body!.get(4) as Map<string, boolean>).get('alwaysUv')).toBe(true);
    // alwaysUv: assertions now need a token
    expect((await h.cbor(cid, Cmd.GA, new Map<unknown, unknown>([[1, 'a'], [2, new Uint8Array(32)]]))).status).toBe(S.PUAT_REQUIRED);
    expect((await h.cbor(cid, Cmd.CFG, cfg(pin, token, 2))).status).toBe(S.OK);
    expect(h.key.snapshot().alwaysUv).toBe(false);
  });

  it('needs a token once a PIN is set, with the acfg permission and a valid pinUvAuthParam', async () => {
    const { h, cid, pin, token } = await withPin();
    expect((await h.cbor(cid, Cmd.CFG, cfg(pin, undefined, 2))).status).toBe(S.PUAT_REQUIRED);
    const tampered = cfg(pin, token, 3, new Map([[1, 8]]));
    tampered.set(2, new Map([[1, 9]])); // params changed after signing
    expect((await h.cbor(cid, Cmd.CFG, tampered)).status).toBe(S.PIN_AUTH_INVALID);
    const cmToken = (await pin.token('1234', Perm.CM)).token!;
    expect((await h.cbor(cid, Cmd.CFG, cfg(pin, cmToken, 2))).status).toBe(S.PIN_AUTH_INVALID);
    expect(h.key.snapshot().alwaysUv).toBe(false);
  });

  it('works without a token while no PIN is set', async () => {
    const h = Host.create();
    const cid = await h.init();
    const pin = new PinHost(h, cid);
    expect((await h.cbor(cid, Cmd.CFG, cfg(pin, undefined, 3, new Map([[1, 6]])))).status).toBe(S.OK);
    expect(h.key.snapshot().minPinLength).toBe(6);
    expect(await pin.setPin('12345')).toBe(S.PIN_POLICY_VIOLATION);
    expect(await pin.setPin('123456')).toBe(S.OK);
    expect((await h.cbor(cid, Cmd.CFG, cfg(pin, undefined, 3, new Map([[3, true]]))))?.status).toBe(S.PUAT_REQUIRED);
  });

  it('setMinPINLength only grows, forces a PIN change when the PIN is now too short', async () => {
    const { h, cid, pin, token } = await withPin('12345');
    expect((await h.cbor(cid, Cmd.CFG, cfg(pin, token, 3, new Map([[1, 5]])))).status).toBe(S.OK);
    expect(h.key.snapshot().forcePinChange).toBe(false); // 5 code points still fine
    expect((await h.cbor(cid, Cmd.CFG, cfg(pin, token, 3, new Map([[1, 4]])))).status).toBe(S.PIN_POLICY_VIOLATION);
    expect((await h.cbor(cid, Cmd.CFG, cfg(pin, token, 3, new Map([[1, 7]])))).status).toBe(S.OK);
    expect(h.key.snapshot()).toMatchObject({ minPinLength: 7, forcePinChange: true });
    const info = await h.cbor(cid, Cmd.INFO);
    expect([info.body!.get(0x0c), info.body!.get(0x0d)]).toEqual([true, 7]);
    // tokens refused until the PIN changes; the same PIN is not a change
    expect((await pin.token('12345', Perm.GA, 'a')).status).toBe(S.PIN_POLICY_VIOLATION);
    expect((await pin.retries()).retries).toBe(8); // the PIN was right
    expect(await pin.changePin('12345', '12345')).toBe(S.PIN_POLICY_VIOLATION);
    expect(await pin.changePin('12345', '123456')).toBe(S.PIN_POLICY_VIOLATION);
    expect(await pin.changePin('12345', '1234567')).toBe(S.OK);
    expect(h.key.snapshot().forcePinChange).toBe(false);
    expect((await pin.token('1234567', Perm.GA, 'a')).status).toBe(S.OK);
  });

  it('forceChangePin and minPinLengthRPIDs', async () => {
    const { h, cid, pin, token } = await withPin();
    const tooMany = new Map<unknown, unknown>([[2, Array.from({ length: 9 }, (_, i) => `rp${i}.example`)]]);
    expect((await h.cbor(cid, Cmd.CFG, cfg(pin, token, 3, tooMany)))?.status).toBe(S.PIN_POLICY_VIOLATION);
    const ok = new Map<unknown, unknown>([[2, ['rp.example']], [3, true]]);
    expect((await h.cbor(cid, Cmd.CFG, cfg(pin, token, 3, ok))).status).toBe(S.OK);
    expect(h.key.snapshot()).toMatchObject({ minPinLength: 4, forcePinChange: true });
    expect((await h.cbor(cid, Cmd.CFG, cfg(pin, token, 1))).status).toBe(S.INVALID_SUBCOMMAND);
  });
});

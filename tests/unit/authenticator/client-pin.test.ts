import { describe, expect, it } from 'vitest';
import { Cmd, Host, PinHost, Perm, S, padPin } from './host.js';

async function setup(version: 1 | 2 = 2, opts = {}) {
  const h = Host.create(opts);
  const cid = await h.init();
  return { h, cid, pin: new PinHost(h, cid, version) };
}

describe.each([1, 2] as const)('clientPIN with PIN/UV auth protocol %i (§6.5.5)', (version) => {
  it('sets, uses and changes a PIN; old PIN stops working', async () => {
    const { h, pin } = await setup(version);
    expect(await pin.setPin('1234')).toBe(S.OK);
    expect(h.key.snapshot().pinSet).toBe(true);
    expect(await pin.setPin('5678')).toBe(S.NOT_ALLOWED);
    const t = await pin.token('1234', Perm.GA, 'example.org');
    expect(t.status).toBe(S.OK);
    expect(t.token).toHaveLength(32);
    expect(await pin.changePin('1234', '98765')).toBe(S.OK);
    expect((await pin.token('1234', Perm.GA, 'example.org')).status).toBe(S.PIN_INVALID);
    expect((await pin.token('98765', Perm.GA, 'example.org')).status).toBe(S.OK);
  });

  it('rejects a pinUvAuthParam that does not match newPinEnc', async () => {
    const { h, cid, pin } = await setup(version);
    const { keyAgreement, sharedSecret } = await pin.keyAgreement();
    const newPinEnc = pin.protocol.encrypt(sharedSecret, padPin('1234'));
    const bad = pin.protocol.authenticate(sharedSecret, Uint8Array.of(1, 2, 3));
    const r = await h.cbor(cid, Cmd.PIN, new Map<unknown, unknown>([[1, version], [2, 3], [3, keyAgreement], [4, bad], [5, newPinEnc]]));
    expect(r.status).toBe(S.PIN_AUTH_INVALID);
    expect(h.key.snapshot().pinSet).toBe(false);
  });
});

describe('clientPIN rules', () => {
  it('enforces minPINLength in code points and the 64-byte padding', async () => {
    const { h, pin } = await setup();
    expect(await pin.setPin('123')).toBe(S.PIN_POLICY_VIOLATION);
    // four code points but eight UTF-8 bytes: allowed
    expect(await pin.setPinPadded(padPin('ÄÖÜß'))).toBe(S.OK);
    expect(h.key.snapshot().pinSet).toBe(true);
    const h2 = await setup();
    const short = new Uint8Array(48);
    short.set(new TextEncoder().encode('123456'));
    expect(await h2.pin.setPinPadded(short)).toBe(S.INVALID_PARAMETER);
    const full = new Uint8Array(64).fill(0x31); // 64 bytes of PIN, no terminating zero
    expect(await h2.pin.setPinPadded(full)).toBe(S.PIN_POLICY_VIOLATION);
    expect(h2.h.key.snapshot().pinSet).toBe(false);
  });

  it('decrements before checking, restores 8 on success, blocks after 3 in a row until power cycle', async () => {
    const { h, pin } = await setup();
    await pin.setPin('1234');
    expect((await pin.token('0000', Perm.GA, 'a')).status).toBe(S.PIN_INVALID);
    expect(await pin.retries()).toEqual({ retries: 7, powerCycleState: false });
    expect((await pin.token('1234', Perm.GA, 'a')).status).toBe(S.OK);
    expect((await pin.retries()).retries).toBe(8);
    expect((await pin.token('0000', Perm.GA, 'a')).status).toBe(S.PIN_INVALID);
    expect((await pin.token('0000', Perm.GA, 'a')).status).toBe(S.PIN_INVALID);
    expect((await pin.token('0000', Perm.GA, 'a')).status).toBe(S.PIN_AUTH_BLOCKED);
    expect((await pin.token('1234', Perm.GA, 'a')).status).toBe(S.PIN_AUTH_BLOCKED);
    expect(await pin.changePin('1234', '5678')).toBe(S.PIN_AUTH_BLOCKED);
    expect(await pin.retries()).toEqual({ retries: 5, powerCycleState: true });
    expect(h.key.snapshot().powerCycleBlocked).toBe(true);
    h.key.unplug();
    h.key.plug();
    const cid = await h.init();
    const again = new PinHost(h, cid);
    expect(await again.retries()).toEqual({ retries: 5, powerCycleState: false });
    expect((await again.token('1234', Perm.GA, 'a')).status).toBe(S.OK);
    expect((await again.retries()).retries).toBe(8);
  });

  it('blocks the PIN at zero retries until reset', async () => {
    const { h, pin: first } = await setup();
    await first.setPin('1234');
    let pin = first;
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) {
      const s = (await pin.token('0000', Perm.GA, 'a')).status;
      codes.push(s);
      if (s === S.PIN_AUTH_BLOCKED) {
        h.key.unplug();
        h.key.plug();
        pin = new PinHost(h, await h.init());
      }
    }
    expect(codes).toEqual([S.PIN_INVALID, S.PIN_INVALID, S.PIN_AUTH_BLOCKED, S.PIN_INVALID, S.PIN_INVALID, S.PIN_AUTH_BLOCKED, S.PIN_INVALID, S.PIN_BLOCKED]);
    expect((await pin.token('1234', Perm.GA, 'a')).status).toBe(S.PIN_BLOCKED);
    expect(await pin.changePin('1234', '5678')).toBe(S.PIN_BLOCKED);
    expect((await pin.retries()).retries).toBe(0);
    expect((await h.cbor(pin.cid, Cmd.RESET)).status).toBe(S.OK);
    expect(h.key.snapshot()).toMatchObject({ pinSet: false, pinRetries: 8 });
  });

  it('a wrong current PIN in changePIN counts as a wrong PIN and leaves the PIN alone', async () => {
    const { pin } = await setup();
    await pin.setPin('1234');
    expect(await pin.changePin('9999', '5678')).toBe(S.PIN_INVALID);
    expect((await pin.retries()).retries).toBe(7);
    expect((await pin.token('1234', Perm.GA, 'a')).status).toBe(S.OK);
  });

  it('answers PIN_NOT_SET for tokens and changePIN without a PIN', async () => {
    const { pin } = await setup();
    expect((await pin.token('1234', Perm.GA, 'a')).status).toBe(S.PIN_NOT_SET);
    expect((await pin.token('1234')).status).toBe(S.PIN_NOT_SET);
    expect(await pin.changePin('1234', '5678')).toBe(S.PIN_NOT_SET);
  });

  it('checks permissions on 0x09 and refuses UV subcommands on a key without built-in UV', async () => {
    const { h, cid, pin } = await setup();
    await pin.setPin('1234');
    expect((await pin.token('1234', 0)).status).toBe(S.INVALID_PARAMETER);
    expect((await pin.token('1234', Perm.BE)).status).toBe(S.UNAUTHORIZED_PERMISSION);
    expect((await pin.token('1234', Perm.LBW)).status).toBe(S.UNAUTHORIZED_PERMISSION);
    expect((await pin.retries()).retries).toBe(8); // refused before the PIN was checked
    const { keyAgreement, sharedSecret } = await pin.keyAgreement();
    const pinHashEnc = pin.protocol.encrypt(sharedSecret, new Uint8Array(16));
    const missing = await h.cbor(cid, Cmd.PIN, new Map<unknown, unknown>([[1, 2], [2, 9], [3, keyAgreement], [6, pinHashEnc]]));
    expect(missing.status).toBe(S.MISSING_PARAMETER);
    expect((await h.cbor(cid, Cmd.PIN, new Map<unknown, unknown>([[1, 2], [2, 7]]))).status).toBe(S.INVALID_SUBCOMMAND);
    expect((await h.cbor(cid, Cmd.PIN, new Map<unknown, unknown>([[1, 2], [2, 6], [9, 1]]))).status).toBe(S.INVALID_SUBCOMMAND);
    expect((await h.cbor(cid, Cmd.PIN, new Map<unknown, unknown>([[1, 3], [2, 2]]))).status).toBe(S.INVALID_PARAMETER);
    expect((await h.cbor(cid, Cmd.PIN, new Map<unknown, unknown>([[2, 2]]))).status).toBe(S.MISSING_PARAMETER);
    expect((await h.cbor(cid, Cmd.PIN, new Map<unknown, unknown>([[1, 2]]))).status).toBe(S.MISSING_PARAMETER);
  });

  it('the legacy getPinToken grants mc, ga and cm but not acfg', async () => {
    const { h, cid, pin } = await setup(1);
    await pin.setPin('1234');
    const { token } = await pin.token('1234');
    // cm works: getCredsMetadata
    const cm = await h.cbor(cid, Cmd.CM, new Map<unknown, unknown>([[1, 1], [3, 1], [4, pin.auth(token!, Uint8Array.of(1))]]));
    expect(cm.status).toBe(S.OK);
    const msg = new Uint8Array([...new Uint8Array(32).fill(0xff), 0x0d, 0x02]);
    const cfg = await h.cbor(cid, Cmd.CFG, new Map<unknown, unknown>([[1, 2], [3, 1], [4, pin.auth(token!, msg)]]));
    expect(cfg.status).toBe(S.PIN_AUTH_INVALID);
  });

  it('a new key agreement key after power cycle makes old shared secrets useless', async () => {
    const { h, pin } = await setup();
    await pin.setPin('1234');
    const stale = await pin.keyAgreement();
    h.key.unplug();
    h.key.plug();
    const cid = await h.init();
    const pinHashEnc = pin.protocol.encrypt(stale.sharedSecret, new Uint8Array(16));
    const r = await h.cbor(cid, Cmd.PIN, new Map<unknown, unknown>([[1, 2], [2, 9], [3, stale.keyAgreement], [6, pinHashEnc], [9, 2]]));
    expect(r.status).toBe(S.PIN_INVALID); // decrypts to garbage: a wrong PIN
  });

  it('a token stops working after a power cycle and after a new token is issued', async () => {
    const { h, cid, pin } = await setup();
    await pin.setPin('1234');
    const first = (await pin.token('1234', Perm.CM)).token!;
    const second = (await pin.token('1234', Perm.CM)).token!;
    const meta = (token: Uint8Array, c: number) =>
      h.cbor(c, Cmd.CM, new Map<unknown, unknown>([[1, 1], [3, 2], [4, pin.auth(token, Uint8Array.of(1))]]));
    expect((await meta(first, cid)).status).toBe(S.PIN_AUTH_INVALID);
    expect((await meta(second, cid)).status).toBe(S.OK);
    h.key.unplug();
    h.key.plug();
    expect((await meta(second, await h.init())).status).toBe(S.PIN_AUTH_INVALID);
  });
});

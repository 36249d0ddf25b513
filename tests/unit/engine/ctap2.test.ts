import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthenticatorConfig } from '../../../src/ctap2/config.js';
import { ClientPin, Permission, PinUvAuthToken } from '../../../src/ctap2/client-pin.js';
import { Ctap2 } from '../../../src/ctap2/ctap2.js';
import { CredentialManagement } from '../../../src/ctap2/credential-management.js';
import { reset } from '../../../src/ctap2/reset.js';
import { selection } from '../../../src/ctap2/selection.js';
import { CtapHidCmd } from '../../../src/ctaphid/framing.js';
import {
  CancelledError,
  CtapError,
  InvalidCborError,
  MessageTooLargeError,
  NotSupportedError,
  PinRuleError,
  SkmError,
} from '../../../src/errors.js';
import { PinUvAuthProtocolOne, PinUvAuthProtocolTwo } from '../../../src/pin/protocol.js';
import { FakeCtap2Key, infoMap } from './helpers/fake-ctap2.js';
import { hex, toHex } from './helpers/vectors.js';

/** A token with known bytes, to check pinUvAuthParam independently with node:crypto. */
const TOKEN = hex('aff12c6dcfbf9df52f7a09211e8865cdaff12c6dcfbf9df52f7a09211e8865cd');
const tokenFor = (version: 1 | 2, permissions = Permission.CM | Permission.ACFG) =>
  new PinUvAuthToken(version === 1 ? new PinUvAuthProtocolOne() : new PinUvAuthProtocolTwo(), Uint8Array.from(TOKEN), permissions);
const hmac = (msg: Uint8Array) => createHmac('sha256', TOKEN).update(msg).digest();

describe('Ctap2.send', () => {
  it('sends command byte + canonical CBOR and decodes the map', async () => {
    const fake = new FakeCtap2Key(infoMap(), () => ({ status: 0, body: new Map([[1, 'ok']]) }));
    const ctap2 = await fake.open();
    expect(toHex(fake.requests[0]!.raw)).toBe('04');
    const res = await ctap2.send(0x02, new Map<number, unknown>([[2, 2], [1, 1]]));
    expect(res).toEqual(new Map([[1, 'ok']]));
    expect(toHex(fake.commands[0]!.raw)).toBe('02a201010202');
  });

  it('a non-zero status is a CtapError keeping the status, known or not', async () => {
    let status = 0x31;
    const fake = new FakeCtap2Key(infoMap(), () => ({ status }));
    const ctap2 = await fake.open();
    const err = await ctap2.send(0x06, new Map([[1, 1]])).catch((e) => e);
    expect(err).toBeInstanceOf(CtapError);
    expect(err.status).toBe(0x31);
    expect(err.statusName).toBe('CTAP2_ERR_PIN_INVALID');
    status = 0xf5;
    const vendor = await ctap2.send(0x06).catch((e) => e);
    expect(vendor.status).toBe(0xf5);
    expect(vendor.statusName).toBe('CTAP2_ERR_VENDOR_0xf5');
  });

  it('an empty body is undefined; a non-map body is InvalidCborError', async () => {
    let body: any;
    const fake = new FakeCtap2Key(infoMap(), () => ({ status: 0, body }));
    const ctap2 = await fake.open();
    expect(await ctap2.send(0x07)).toBeUndefined();
    body = [1, 2];
    await expect(ctap2.send(0x07)).rejects.toBeInstanceOf(InvalidCborError);
  });

  it('refuses a request over the key maxMsgSize before sending', async () => {
    const fake = new FakeCtap2Key(infoMap([[5, 100]]));
    const ctap2 = await fake.open();
    await expect(ctap2.send(0x01, new Map([[1, new Uint8Array(100)]]))).rejects.toBeInstanceOf(MessageTooLargeError);
    expect(fake.commands).toHaveLength(0);
  });
});

describe('ClientPin', () => {
  const keyAgreement = new Map<number, unknown>([
    [1, 2],
    [3, -25],
    [-1, 1],
    [-2, hex('0501d5bc78da9252560a26cb08fcc60cbe0b6d3b8e1d1fcee514fac0af675168')],
    [-3, hex('d551b3ed46f665731f95b4532939c25d91db7eb844bd96d4abd4083785f8df47')],
  ]);

  it('picks the newest protocol both sides support', async () => {
    for (const [listed, expected] of [[[1], 1], [[2, 1], 2], [[1, 2], 2], [[], 1]] as [number[], number][]) {
      const ctap2 = await new FakeCtap2Key(infoMap([[6, listed]])).open();
      expect(new ClientPin(ctap2).protocol.version).toBe(expected);
    }
    const ctap2 = await new FakeCtap2Key(infoMap([[6, [3]]])).open();
    expect(() => new ClientPin(ctap2)).toThrow(NotSupportedError);
  });

  it('getPinRetries reads pinRetries and powerCycleState; getUvRetries reads uvRetries', async () => {
    const fake = new FakeCtap2Key(infoMap(), (r) =>
      r.params!.get(2) === 1 ? { body: new Map<number, any>([[3, 2], [4, true]]) } : { body: new Map([[5, 3]]) },
    );
    const pin = new ClientPin(await fake.open());
    expect(await pin.getPinRetries()).toEqual({ retries: 2, powerCycleState: true });
    expect(await pin.getUvRetries()).toBe(3);
    expect(toHex(fake.commands[0]!.raw)).toBe('06a20102' + '0201');
    expect(toHex(fake.commands[1]!.raw)).toBe('06a20102' + '0207');
  });

  it('enforces PIN rules (with the key minPINLength) before sending anything', async () => {
    const fake = new FakeCtap2Key(infoMap([[0x0d, 6]]), () => ({ body: new Map([[1, keyAgreement]]) }));
    const pin = new ClientPin(await fake.open());
    await expect(pin.setPin('12345')).rejects.toBeInstanceOf(PinRuleError);
    await expect(pin.changePin('123456', '12345')).rejects.toBeInstanceOf(PinRuleError);
    const same = await pin.changePin('123456', '123456').catch((e) => e);
    expect(same.rule).toBe('SAME_AS_CURRENT');
    expect(fake.commands).toHaveLength(0);
  });

  it('getPinUvAuthTokenUsingPinWithPermissions sends permissions and rpId; rejects no permissions', async () => {
    const fake = new FakeCtap2Key(infoMap(), (r) =>
      r.params!.get(2) === 2 ? { body: new Map([[1, keyAgreement]]) } : { body: new Map([[2, new Uint8Array(48)]]) },
    );
    const pin = new ClientPin(await fake.open());
    const token = await pin.getPinUvAuthTokenUsingPinWithPermissions('1234', Permission.MC | Permission.GA, 'example.com');
    const req = fake.commands[1]!.params!;
    expect([...req.keys()]).toEqual([1, 2, 3, 6, 9, 10]);
    expect(req.get(9)).toBe(3);
    expect(req.get(10)).toBe('example.com');
    expect(token.token).toHaveLength(32);
    expect(token.permissions).toBe(3);
    await expect(pin.getPinUvAuthTokenUsingPinWithPermissions('1234', 0)).rejects.toBeInstanceOf(SkmError);
  });
});

describe('CredentialManagement', () => {
  it('updateUserInformation authenticates subCommand || canonical subCommandParams', async () => {
    const fake = new FakeCtap2Key(infoMap());
    const ctap2 = await fake.open();
    const cm = new CredentialManagement(ctap2, tokenFor(2));
    await cm.updateUserInformation({ type: 'public-key', id: Uint8Array.of(0xc1) }, { id: Uint8Array.of(0x01), name: 'ann', displayName: 'Ann' });
    const raw = fake.commands[0]!.raw;
    // {2: {"id": h'c1', "type": "public-key"}, 3: {"id": h'01', "name": "ann", "displayName": "Ann"}}
    const params =
      'a2' +
      '02' + 'a2' + '626964' + '41c1' + '6474797065' + '6a7075626c69632d6b6579' +
      '03' + 'a3' + '626964' + '4101' + '646e616d65' + '63616e6e' + '6b646973706c61794e616d65' + '63416e6e';
    const expectedParam = hmac(hex('07' + params));
    expect(toHex(raw)).toBe('0a' + 'a4' + '0107' + '02' + params + '0302' + '045820' + toHex(expectedParam));
  });

  it('uses 0x41 for 2.1-PRE keys and refuses keys without credential management', async () => {
    const pre = await new FakeCtap2Key(
      infoMap([[1, ['FIDO_2_0', 'FIDO_2_1_PRE']], [4, new Map([['clientPin', true], ['credentialMgmtPreview', true]])], [6, [1]]]),
    ).open();
    expect(new CredentialManagement(pre, tokenFor(1)).command).toBe(0x41);
    const none = await new FakeCtap2Key(infoMap([[4, new Map([['clientPin', true]])]])).open();
    expect(() => new CredentialManagement(none, tokenFor(1))).toThrow(NotSupportedError);
  });

  it('no credentials: enumerateRps and enumerateCredentials return []', async () => {
    const fake = new FakeCtap2Key(infoMap(), () => ({ status: 0x2e }));
    const cm = new CredentialManagement(await fake.open(), tokenFor(1));
    expect(await cm.enumerateRps()).toEqual([]);
    expect(await cm.enumerateCredentials(new Uint8Array(32))).toEqual([]);
  });
});

describe('AuthenticatorConfig', () => {
  it('toggleAlwaysUv: pinUvAuthParam = authenticate(token, 32×ff || 0d || 02)', async () => {
    const fake = new FakeCtap2Key(infoMap());
    const config = new AuthenticatorConfig(await fake.open(), tokenFor(1));
    await config.toggleAlwaysUv();
    const expected = hmac(hex('ff'.repeat(32) + '0d02')).subarray(0, 16);
    expect(toHex(fake.commands[0]!.raw)).toBe('0d' + 'a3' + '0102' + '0301' + '0450' + toHex(expected));
  });

  it('setMinPINLength with forceChangePin authenticates the canonical subCommandParams', async () => {
    const fake = new FakeCtap2Key(infoMap([[0x10, 1]]));
    const config = new AuthenticatorConfig(await fake.open(), tokenFor(2));
    await config.setMinPinLength({ newMinPINLength: 8, forceChangePin: true, minPinLengthRPIDs: ['example.com'] });
    const params = 'a3' + '0108' + '02816b6578616d706c652e636f6d' + '03f5';
    const expected = hmac(hex('ff'.repeat(32) + '0d03' + params));
    expect(toHex(fake.commands[0]!.raw)).toBe('0d' + 'a4' + '0103' + '02' + params + '0302' + '045820' + toHex(expected));
  });

  it('refuses bad input before sending, and keys without the feature', async () => {
    const fake = new FakeCtap2Key(infoMap([[0x0d, 6]]));
    const ctap2 = await fake.open();
    const config = new AuthenticatorConfig(ctap2, tokenFor(1));
    await expect(config.setMinPinLength({ newMinPINLength: 5 })).rejects.toBeInstanceOf(SkmError); // below current 6
    await expect(config.setMinPinLength({ newMinPINLength: 64 })).rejects.toBeInstanceOf(SkmError);
    await expect(config.setMinPinLength({ minPinLengthRPIDs: ['a'] })).rejects.toBeInstanceOf(SkmError); // max 0 RP IDs
    expect(fake.commands).toHaveLength(0);
    const plain = await new FakeCtap2Key(infoMap([[4, new Map([['clientPin', true]])]])).open();
    expect(() => new AuthenticatorConfig(plain, tokenFor(1))).toThrow(NotSupportedError);
  });
});

describe('selection and reset', () => {
  it('CTAP 2.1 keys get authenticatorSelection (0x0b)', async () => {
    const fake = new FakeCtap2Key(infoMap());
    await selection(await fake.open());
    expect(toHex(fake.commands[0]!.raw)).toBe('0b');
  });

  it('CTAP 2.0 keys get makeCredential with an empty pinUvAuthParam; PIN_NOT_SET / PIN_INVALID mean touched', async () => {
    for (const status of [0x35, 0x31, 0x33]) {
      const fake = new FakeCtap2Key(infoMap([[1, ['U2F_V2', 'FIDO_2_0']], [6, [1]]]), () => ({ status }));
      await expect(selection(await fake.open())).resolves.toBeUndefined();
      const req = fake.commands[0]!;
      expect(req.command).toBe(0x01);
      expect(req.params!.get(8)).toHaveLength(0);
      expect(req.params!.get(9)).toBe(1);
      expect(req.params!.get(1)).toHaveLength(32);
    }
    const denied = new FakeCtap2Key(infoMap([[1, ['FIDO_2_0']]]), () => ({ status: 0x27 }));
    await expect(selection(await denied.open())).rejects.toBeInstanceOf(CtapError);
  });

  it('selection can be cancelled: CTAPHID_CANCEL goes out, CancelledError comes back', async () => {
    const fake = new FakeCtap2Key(infoMap(), (r, k) => {
      k.keepalive(2);
      return 'silent';
    });
    fake.key.handler = ((orig) => (req, k) => {
      if (req.cmd === CtapHidCmd.CANCEL) k.cbor(0x2d);
      else orig(req, k);
    })(fake.key.handler);
    const ctap2 = await fake.open();
    const controller = new AbortController();
    const p = selection(ctap2, { signal: controller.signal, onKeepalive: () => controller.abort() });
    await expect(p).rejects.toBeInstanceOf(CancelledError);
    expect(fake.key.sent(CtapHidCmd.CANCEL)).toHaveLength(1);
  });

  it('reset sends 0x07 and reports touch keepalives; NOT_ALLOWED surfaces as CtapError', async () => {
    let status = 0;
    const fake = new FakeCtap2Key(infoMap(), (r, k) => {
      k.keepalive(2);
      return { status };
    });
    const ctap2: Ctap2 = await fake.open();
    const seen: string[] = [];
    await reset(ctap2, { onKeepalive: (s) => seen.push(s) });
    expect(seen).toEqual(['up-needed']);
    expect(toHex(fake.commands[0]!.raw)).toBe('07');
    status = 0x30;
    const err = await reset(ctap2).catch((e) => e);
    expect(err).toBeInstanceOf(CtapError);
    expect(err.statusName).toBe('CTAP2_ERR_NOT_ALLOWED');
  });
});

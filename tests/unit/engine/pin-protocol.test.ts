import { describe, expect, it } from 'vitest';
import { fromCoseKeyAgreement } from '../../../src/pin/cose-key.js';
import { EcdhKeyPair, PinUvAuthProtocolOne, PinUvAuthProtocolTwo } from '../../../src/pin/protocol.js';
import { padPin, preparePin } from '../../../src/pin/rules.js';
import { ProtocolError } from '../../../src/errors.js';
import { createHash } from 'node:crypto';
import { hex, loadVector, toHex } from './helpers/vectors.js';

const v = loadVector('pin-protocol/pin_uv_auth_vectors.json');
const ecdh = v.common_ecdh;
const p1 = v.protocol1;
const p2 = v.protocol2;
const f2 = p2['fixed_iv_vectors_RESEARCH_COMPUTED (not published upstream; protocol 2 IVs are random, so inject IV 000102..0f in tests)'];

const platformKey = () => new EcdhKeyPair(hex(ecdh.platform_private_key_scalar));
const authenticatorKey = {
  x: hex(ecdh.authenticator_keyAgreement_cose_from_getKeyAgreement['-2']),
  y: hex(ecdh.authenticator_keyAgreement_cose_from_getKeyAgreement['-3']),
};
const pinHash = (pin: string) => createHash('sha256').update(pin).digest().subarray(0, 16);
const padded = (pin: string) => padPin(preparePin(pin));

describe('PIN/UV auth protocol one (python-fido2 vectors)', () => {
  const proto = new PinUvAuthProtocolOne();

  it('derives the platform key and the shared secret SHA-256(Z)', () => {
    const key = platformKey();
    expect(toHex(key.publicKey.x)).toBe(ecdh.platform_public_x);
    expect(toHex(key.publicKey.y)).toBe(ecdh.platform_public_y);
    expect(toHex(key.sharedPoint(authenticatorKey))).toBe(ecdh.ecdh_Z_x_coordinate);
    const enc = proto.encapsulate(authenticatorKey, key);
    expect(toHex(enc.sharedSecret)).toBe(p1.shared_secret);
    const sent = fromCoseKeyAgreement(enc.keyAgreement);
    expect(toHex(sent.x)).toBe(ecdh.platform_keyAgreement_cose_sent_to_authenticator['-2']);
    expect(enc.keyAgreement.get(3)).toBe(-25);
  });

  it('pinHashEnc, token decryption', () => {
    const shared = hex(p1.shared_secret);
    expect(toHex(proto.encrypt(shared, pinHash(p1.getPinToken.pin)))).toBe(p1.getPinToken.pinHashEnc);
    expect(toHex(proto.decrypt(shared, hex(p1.getPinToken.pinTokenEnc_from_authenticator)))).toBe(p1.getPinToken.decrypted_pinToken);
  });

  it('setPin newPinEnc and pinUvAuthParam', () => {
    const shared = hex(p1.shared_secret);
    const newPinEnc = proto.encrypt(shared, padded(p1.setPin.newPin));
    expect(toHex(newPinEnc)).toBe(p1.setPin.newPinEnc);
    expect(toHex(proto.authenticate(shared, newPinEnc))).toBe(p1.setPin.pinUvAuthParam);
  });

  it('changePin newPinEnc and pinUvAuthParam over newPinEnc || pinHashEnc', () => {
    const shared = hex(p1.shared_secret);
    const pinHashEnc = proto.encrypt(shared, pinHash(p1.changePin.currentPin));
    const newPinEnc = proto.encrypt(shared, padded(p1.changePin.newPin));
    expect(toHex(pinHashEnc)).toBe(p1.changePin.pinHashEnc);
    expect(toHex(newPinEnc)).toBe(p1.changePin.newPinEnc);
    expect(toHex(proto.authenticate(shared, Buffer.concat([newPinEnc, pinHashEnc])))).toBe(p1.changePin.pinUvAuthParam);
  });

  it('authenticate is LEFT(HMAC, 16)', () => {
    expect(toHex(proto.authenticate(hex(p1.shared_secret), hex(p1.authenticate_0xff_x64.message)))).toBe(p1.authenticate_0xff_x64.result16);
  });

  it('second vector set (authenticator-rs)', () => {
    const s = p1.second_vector_authenticator_rs;
    const shared = hex(s.shared_secret);
    const newPinEnc = proto.encrypt(shared, padded(s.pin));
    expect(toHex(newPinEnc)).toBe(s.newPinEnc);
    expect(toHex(proto.authenticate(shared, newPinEnc))).toBe(s.pinAuth16);
  });
});

describe('PIN/UV auth protocol two (webauthn-rs, authenticator-rs vectors; fixed IV injected)', () => {
  const proto = new PinUvAuthProtocolTwo();
  const iv = hex(f2.iv);

  it('derives HKDF HMAC key || AES key', () => {
    const enc = proto.encapsulate(authenticatorKey, platformKey());
    expect(toHex(enc.sharedSecret)).toBe(p2.shared_secret_64);
    expect(toHex(proto.kdf(hex(p2.kdf_Z_all_ff.Z)))).toBe(p2.kdf_Z_all_ff['hmac_key||aes_key']);
  });

  it('authenticate is the full HMAC with the HMAC key', () => {
    expect(toHex(proto.authenticate(hex(p2.shared_secret_64), hex(p2.authenticate_0xff_x64.message)))).toBe(p2.authenticate_0xff_x64.result32);
  });

  it('pinHashEnc, setPin and changePin blobs', () => {
    const shared = hex(p2.shared_secret_64);
    expect(toHex(proto.encrypt(shared, pinHash('1234'), iv))).toBe(f2.pinHashEnc_1234);
    const setEnc = proto.encrypt(shared, padded('1234'), iv);
    expect(toHex(setEnc)).toBe(f2.setPin_newPinEnc_1234);
    expect(toHex(proto.authenticate(shared, setEnc))).toBe(f2.setPin_pinUvAuthParam);
    const changeEnc = proto.encrypt(shared, padded('4321'), iv);
    expect(toHex(changeEnc)).toBe(f2.changePin_newPinEnc_4321);
    const hashEnc = proto.encrypt(shared, pinHash('1234'), iv);
    expect(toHex(proto.authenticate(shared, Buffer.concat([changeEnc, hashEnc])))).toBe(f2.changePin_pinUvAuthParam);
  });

  it('decrypts the token (IV first) and rejects bad lengths', () => {
    const shared = hex(p2.shared_secret_64);
    expect(toHex(proto.decrypt(shared, hex(f2.pinUvAuthTokenEnc_from_authenticator)))).toBe(f2.pinUvAuthToken_plain_32);
    expect(() => proto.decrypt(shared, new Uint8Array(8))).toThrow(ProtocolError);
    expect(() => proto.decrypt(shared, new Uint8Array(40))).toThrow(ProtocolError);
  });
});

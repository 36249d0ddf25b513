import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  es256FromScalar,
  generateEs256,
  sha256,
  signEs256,
  unwrapCredentialId,
  wrapCredentialId,
} from '../../../src/authenticator/credential-crypto.js';

// A valid P-256 scalar whose first byte is zero: node's ECDH hands such scalars back 31 bytes long.
const SHORT = Uint8Array.from({ length: 31 }, (_, i) => i + 1);
const PADDED = Uint8Array.of(0, ...SHORT);

function publicKey(k: { x: Uint8Array; y: Uint8Array }) {
  const b = (u: Uint8Array) => Buffer.from(u).toString('base64url');
  return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b(k.x), y: b(k.y) }, format: 'jwk' });
}

describe('credential key material', () => {
  it('keeps a scalar with a leading zero byte at 32 bytes, with the same key pair', () => {
    const short = es256FromScalar(SHORT);
    const padded = es256FromScalar(PADDED);
    expect(short.d).toEqual(PADDED);
    expect(short.x).toEqual(padded.x);
    expect(short.y).toEqual(padded.y);
    const sig = signEs256(short, Uint8Array.of(1, 2, 3));
    expect(verify('sha256', Uint8Array.of(1, 2, 3), publicKey(short), sig)).toBe(true);
  });

  it('refuses a scalar longer than 32 bytes', () => {
    expect(() => es256FromScalar(new Uint8Array(33).fill(1))).toThrow(RangeError);
  });

  it('every generated key has a 32-byte scalar (1 in 256 would not without padding)', () => {
    const lengths = new Set(Array.from({ length: 2048 }, () => generateEs256().d.length));
    expect([...lengths]).toEqual([32]);
  });

  it('a credential id wrapping a leading-zero scalar is 61 bytes and unwraps for its RP only', () => {
    const wrapKey = new Uint8Array(32).fill(7);
    const key = es256FromScalar(SHORT);
    const id = wrapCredentialId(wrapKey, sha256('a.example'), key.d);
    expect(id.length).toBe(61);
    expect(unwrapCredentialId(wrapKey, sha256('a.example'), id)).toEqual(PADDED);
    expect(unwrapCredentialId(wrapKey, sha256('b.example'), id)).toBeUndefined();
  });
});

/**
 * Credential key material (CTAP 2.1 §6.1, WebAuthn §6.1 authenticator data): ES256 key pairs on
 * node:crypto, COSE_Key encoding, authenticator data, and credential ids that wrap the private key
 * with AES-256-GCM bound to the RP ID hash, so non-discoverable credentials need no storage.
 */
import { createCipheriv, createDecipheriv, createECDH, createHash, createPrivateKey, randomBytes, sign } from 'node:crypto';
import type { CborMap } from '../cbor.js';

/** authenticatorData flags (WebAuthn §6.1). */
export const AuthDataFlag = { UP: 0x01, UV: 0x04, AT: 0x40, ED: 0x80 } as const;

/** COSE algorithm ES256. */
export const COSE_ES256 = -7;

export interface Es256Key {
  /** 32-byte private scalar. */
  d: Uint8Array;
  x: Uint8Array;
  y: Uint8Array;
}

const SCALAR_LENGTH = 32;

export function generateEs256(): Es256Key {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return es256FromScalar(new Uint8Array(ecdh.getPrivateKey()));
}

/**
 * The key pair of a private scalar, with the scalar as exactly 32 bytes. node's ECDH drops
 * leading zero bytes (1 key in 256 comes back 31 bytes long), and a short scalar would make a
 * credential id of the wrong length that this key then no longer recognises as its own.
 */
export function es256FromScalar(scalar: Uint8Array): Es256Key {
  if (scalar.length > SCALAR_LENGTH) throw new RangeError(`a P-256 private scalar has at most ${SCALAR_LENGTH} bytes`);
  const d = new Uint8Array(SCALAR_LENGTH);
  d.set(scalar, SCALAR_LENGTH - scalar.length);
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  const point = ecdh.getPublicKey();
  return { d, x: new Uint8Array(point.subarray(1, 33)), y: new Uint8Array(point.subarray(33, 65)) };
}

/** ECDSA P-256 with SHA-256, DER signature (WebAuthn's ES256 signature format). */
export function signEs256(key: Es256Key, data: Uint8Array): Uint8Array {
  const privateKey = createPrivateKey({
    key: { kty: 'EC', crv: 'P-256', d: b64url(key.d), x: b64url(key.x), y: b64url(key.y) },
    format: 'jwk',
  });
  return new Uint8Array(sign('sha256', data, privateKey));
}

/** COSE_Key of an ES256 credential public key. */
export function coseEs256(key: Pick<Es256Key, 'x' | 'y'>): CborMap {
  return new Map<number, number | Uint8Array>([
    [1, 2],
    [3, COSE_ES256],
    [-1, 1],
    [-2, key.x],
    [-3, key.y],
  ]);
}

export function sha256(data: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

const WRAP_VERSION = 0x01;

/** Credential id = 0x01 || IV(12) || AES-256-GCM(d)(32) || tag(16), with the RP ID hash as AAD. */
export function wrapCredentialId(wrapKey: Uint8Array, rpIdHash: Uint8Array, d: Uint8Array): Uint8Array {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', wrapKey, iv);
  cipher.setAAD(rpIdHash);
  const body = Buffer.concat([cipher.update(d), cipher.final()]);
  return new Uint8Array(Buffer.concat([Uint8Array.of(WRAP_VERSION), iv, body, cipher.getAuthTag()]));
}

/** The private scalar inside a credential id of ours for this RP, or undefined. */
export function unwrapCredentialId(wrapKey: Uint8Array, rpIdHash: Uint8Array, credentialId: Uint8Array): Uint8Array | undefined {
  if (credentialId.length !== 61 || credentialId[0] !== WRAP_VERSION) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', wrapKey, credentialId.subarray(1, 13));
    decipher.setAAD(rpIdHash);
    decipher.setAuthTag(credentialId.subarray(45, 61));
    return new Uint8Array(Buffer.concat([decipher.update(credentialId.subarray(13, 45)), decipher.final()]));
  } catch {
    return undefined;
  }
}

/** authenticatorData: rpIdHash || flags || signCount || [attestedCredentialData]. */
export function authenticatorData(
  rpIdHash: Uint8Array,
  flags: number,
  signCount: number,
  attested?: { aaguid: Uint8Array; credentialId: Uint8Array; publicKey: Uint8Array },
): Uint8Array {
  const extra = attested ? 16 + 2 + attested.credentialId.length + attested.publicKey.length : 0;
  const out = new Uint8Array(37 + extra);
  out.set(rpIdHash, 0);
  out[32] = flags | (attested ? AuthDataFlag.AT : 0);
  new DataView(out.buffer).setUint32(33, signCount >>> 0);
  if (attested) {
    let o = 37;
    out.set(attested.aaguid, o);
    o += 16;
    new DataView(out.buffer).setUint16(o, attested.credentialId.length);
    o += 2;
    out.set(attested.credentialId, o);
    o += attested.credentialId.length;
    out.set(attested.publicKey, o);
  }
  return out;
}

export function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

export function fromB64url(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64url'));
}

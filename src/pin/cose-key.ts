/**
 * COSE_Key for the PIN/UV auth key agreement (CTAP 2.1 §6.5.6): EC2 (kty 2), P-256 (crv 1),
 * alg -25 (ECDH-ES+HKDF-256), x and y 32 bytes each.
 */
import type { CborMap } from '../cbor.js';
import { InvalidCborError } from '../errors.js';

export interface EcPublicKey {
  x: Uint8Array;
  y: Uint8Array;
}

export function toCoseKeyAgreement(key: EcPublicKey): CborMap {
  return new Map<number, number | Uint8Array>([
    [1, 2],
    [3, -25],
    [-1, 1],
    [-2, key.x],
    [-3, key.y],
  ]);
}

/** Validate and read a key-agreement COSE_Key; anything else is an InvalidCborError. */
export function fromCoseKeyAgreement(value: unknown): EcPublicKey {
  if (!(value instanceof Map)) throw new InvalidCborError('keyAgreement: expected a COSE_Key map');
  const kty = value.get(1);
  const crv = value.get(-1);
  const x = value.get(-2);
  const y = value.get(-3);
  if (kty !== 2 || crv !== 1) throw new InvalidCborError('keyAgreement: expected an EC2 P-256 key');
  if (!(x instanceof Uint8Array) || !(y instanceof Uint8Array) || x.length !== 32 || y.length !== 32) {
    throw new InvalidCborError('keyAgreement: x and y must be 32-byte strings');
  }
  return { x, y };
}

/** SEC1 uncompressed point, as node's ECDH wants it. */
export function toUncompressedPoint(key: EcPublicKey): Uint8Array {
  const out = new Uint8Array(65);
  out[0] = 0x04;
  out.set(key.x, 1);
  out.set(key.y, 33);
  return out;
}

export function fromUncompressedPoint(point: Uint8Array): EcPublicKey {
  return { x: point.slice(1, 33), y: point.slice(33, 65) };
}

/**
 * A self-signed X.509 v3 certificate for U2F registration (FIDO U2F Raw Message Formats §4.3:
 * the attestation certificate, ECDSA P-256 with SHA-256). node:crypto signs; this file only lays
 * out the DER, with one function per ASN.1 type. The key is a software key's own, so the
 * certificate attests nothing beyond "this software key".
 */
import { type KeyObject, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

const OID_ECDSA_WITH_SHA256 = Uint8Array.of(0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02);
const OID_COMMON_NAME = Uint8Array.of(0x06, 0x03, 0x55, 0x04, 0x03);

export interface AttestationIdentity {
  privateKey: KeyObject;
  certificate: Uint8Array;
}

/** A fresh attestation key and its self-signed certificate, subject CN = `commonName`. */
export function createAttestationIdentity(commonName: string): AttestationIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  const algorithm = seq(OID_ECDSA_WITH_SHA256);
  const name = seq(set(seq(OID_COMMON_NAME, tlv(0x0c, new TextEncoder().encode(commonName)))));
  const serial = randomBytes(8);
  // DER wants a positive INTEGER without a redundant leading zero byte: top bit clear, next bit set.
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  const tbs = seq(
    tlv(0xa0, integer(Uint8Array.of(2))), // [0] EXPLICIT version v3
    integer(serial),
    algorithm,
    name,
    seq(utcTime('250101000000Z'), utcTime('491231235959Z')),
    name,
    spki,
  );
  const signature = new Uint8Array(sign('sha256', tbs, privateKey));
  const certificate = seq(tbs, algorithm, tlv(0x03, concat(Uint8Array.of(0), signature)));
  return { privateKey, certificate };
}

function tlv(tag: number, value: Uint8Array): Uint8Array {
  const n = value.length;
  const length = n < 0x80 ? Uint8Array.of(n) : n < 0x100 ? Uint8Array.of(0x81, n) : Uint8Array.of(0x82, n >> 8, n & 0xff);
  return concat(Uint8Array.of(tag), length, value);
}

function seq(...parts: Uint8Array[]): Uint8Array {
  return tlv(0x30, concat(...parts));
}

function set(...parts: Uint8Array[]): Uint8Array {
  return tlv(0x31, concat(...parts));
}

function integer(bytes: Uint8Array): Uint8Array {
  return tlv(0x02, bytes);
}

function utcTime(text: string): Uint8Array {
  return tlv(0x17, new TextEncoder().encode(text));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

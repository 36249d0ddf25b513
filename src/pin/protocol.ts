/**
 * PIN/UV auth protocols one and two (CTAP 2.1 §6.5.6, §6.5.7): pure crypto on node:crypto, no I/O.
 * Protocol two overrides only what differs from one (key derivation, encryption with a random IV,
 * full-length HMAC). Both the host (encapsulate) and the software authenticator (decapsulate) use
 * these classes, so the two sides cannot drift apart.
 */
import { createCipheriv, createDecipheriv, createECDH, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CborMap } from '../cbor.js';
import { ProtocolError } from '../errors.js';
import { type EcPublicKey, fromUncompressedPoint, toCoseKeyAgreement, toUncompressedPoint } from './cose-key.js';

export interface Encapsulation {
  /** Our public key, to send as keyAgreement. */
  keyAgreement: CborMap;
  /** Derived shared secret: 32 bytes (protocol 1) or 64 bytes, HMAC key then AES key (protocol 2). Zero it after use. */
  sharedSecret: Uint8Array;
}

/** An ECDH P-256 key pair; the private scalar can be injected so tests compare bytes exactly. */
export class EcdhKeyPair {
  private readonly ecdh = createECDH('prime256v1');
  readonly publicKey: EcPublicKey;

  constructor(privateScalar?: Uint8Array) {
    if (privateScalar) this.ecdh.setPrivateKey(privateScalar);
    else this.ecdh.generateKeys();
    this.publicKey = fromUncompressedPoint(this.ecdh.getPublicKey());
  }

  /** Z: the x-coordinate of the shared point (zero it after use). Throws ProtocolError for a point not on the curve. */
  sharedPoint(peer: EcPublicKey): Uint8Array {
    let z: Buffer;
    try {
      z = this.ecdh.computeSecret(toUncompressedPoint(peer));
    } catch (cause) {
      throw new ProtocolError('The key sent an invalid key-agreement public key', { cause });
    }
    return takeBytes(z);
  }
}

export class PinUvAuthProtocolOne {
  readonly version: 1 | 2 = 1;

  /** shared secret = SHA-256(Z) */
  kdf(z: Uint8Array): Uint8Array {
    return takeBytes(createHash('sha256').update(z).digest());
  }

  /** Host side: new ephemeral key pair, ECDH with the authenticator's key, derive the secret. */
  encapsulate(peer: EcPublicKey, platformKey: EcdhKeyPair = new EcdhKeyPair()): Encapsulation {
    const z = platformKey.sharedPoint(peer);
    const sharedSecret = this.kdf(z);
    z.fill(0);
    return { keyAgreement: toCoseKeyAgreement(platformKey.publicKey), sharedSecret };
  }

  /** Authenticator side: derive the same secret from the platform's key-agreement key. */
  decapsulate(own: EcdhKeyPair, peer: EcPublicKey): Uint8Array {
    const z = own.sharedPoint(peer);
    const secret = this.kdf(z);
    z.fill(0);
    return secret;
  }

  /** AES-256-CBC, IV of zeros, no padding. */
  encrypt(key: Uint8Array, plaintext: Uint8Array, _iv?: Uint8Array): Uint8Array {
    return aesCbc('encrypt', key.subarray(0, 32), new Uint8Array(16), plaintext);
  }

  decrypt(key: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    if (ciphertext.length % 16 !== 0) throw new ProtocolError('Ciphertext length is not a multiple of 16');
    return aesCbc('decrypt', key.subarray(0, 32), new Uint8Array(16), ciphertext);
  }

  /** LEFT(HMAC-SHA-256(key, message), 16) */
  authenticate(key: Uint8Array, message: Uint8Array): Uint8Array {
    return hmac(key, message).subarray(0, 16);
  }

  verify(key: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    const expected = this.authenticate(key, message);
    return signature.length === expected.length && timingSafeEqual(expected, signature);
  }
}

export class PinUvAuthProtocolTwo extends PinUvAuthProtocolOne {
  override readonly version = 2 as const;

  /** HKDF-SHA-256(salt = 32 zero bytes, Z, "CTAP2 HMAC key") || HKDF(…, "CTAP2 AES key") */
  override kdf(z: Uint8Array): Uint8Array {
    const salt = new Uint8Array(32);
    const out = new Uint8Array(64);
    const hmacKey = new Uint8Array(hkdfSync('sha256', z, salt, 'CTAP2 HMAC key', 32));
    const aesKeyBytes = new Uint8Array(hkdfSync('sha256', z, salt, 'CTAP2 AES key', 32));
    out.set(hmacKey, 0);
    out.set(aesKeyBytes, 32);
    zeroize(hmacKey, aesKeyBytes); // views over hkdfSync's own ArrayBuffers
    return out;
  }

  /** IV || AES-256-CBC(aesKey, IV, plaintext), with a random IV unless one is injected (tests). */
  override encrypt(key: Uint8Array, plaintext: Uint8Array, iv: Uint8Array = randomBytes(16)): Uint8Array {
    const body = aesCbc('encrypt', aesKey(key), iv, plaintext);
    const out = new Uint8Array(16 + body.length);
    out.set(iv, 0);
    out.set(body, 16);
    return out;
  }

  override decrypt(key: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    if (ciphertext.length < 16 || ciphertext.length % 16 !== 0) {
      throw new ProtocolError('Ciphertext must be an IV followed by whole AES blocks');
    }
    return aesCbc('decrypt', aesKey(key), ciphertext.subarray(0, 16), ciphertext.subarray(16));
  }

  /** HMAC-SHA-256(first 32 bytes of key, message), all 32 bytes. */
  override authenticate(key: Uint8Array, message: Uint8Array): Uint8Array {
    return hmac(key.subarray(0, 32), message);
  }
}

export type PinUvAuthProtocol = PinUvAuthProtocolOne;

export function pinUvAuthProtocol(version: number): PinUvAuthProtocol {
  if (version === 2) return new PinUvAuthProtocolTwo();
  if (version === 1) return new PinUvAuthProtocolOne();
  throw new ProtocolError(`Unsupported PIN/UV auth protocol ${version}`);
}

/** Overwrite secrets in place once they are no longer needed. */
export function zeroize(...buffers: (Uint8Array | undefined | null)[]): void {
  for (const b of buffers) b?.fill(0);
}

/** Protocol 2 keeps its AES key in the second half of the shared secret; a 32-byte token is used whole. */
function aesKey(key: Uint8Array): Uint8Array {
  return key.length > 32 ? key.subarray(32, 64) : key;
}

function hmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(message).digest());
}

/**
 * Copy node:crypto output into memory of its own and zero the original. A plain Uint8Array never
 * comes from Node's shared Buffer pool, so zeroing the copy later really wipes the secret.
 */
function takeBytes(b: Buffer): Uint8Array {
  const out = new Uint8Array(b.length);
  out.set(b);
  b.fill(0);
  return out;
}

/** AES-256-CBC without padding. No Buffer.concat: it may allocate from the shared pool, where a decrypted token would outlive destroy(). */
function aesCbc(mode: 'encrypt' | 'decrypt', key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const cipher = mode === 'encrypt' ? createCipheriv('aes-256-cbc', key, iv) : createDecipheriv('aes-256-cbc', key, iv);
  cipher.setAutoPadding(false);
  const head = cipher.update(data);
  const tail = cipher.final();
  const out = new Uint8Array(head.length + tail.length);
  out.set(head, 0);
  out.set(tail, head.length);
  zeroize(head, tail);
  return out;
}

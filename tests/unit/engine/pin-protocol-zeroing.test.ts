/**
 * Secret copies in the PIN/UV auth protocols (CTAP 2.1 §6.5.6, §6.5.7) do not outlive their use:
 * every Buffer node:crypto hands back while deriving the shared secret or decrypting a
 * pinUvAuthToken is zero once the caller has zeroed what it was given, and no copy is left in
 * Node's shared Buffer pool. node:crypto is wrapped (every call passes through unchanged) so the
 * test can see those Buffers.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

const seen = vi.hoisted(() => ({ buffers: [] as { what: string; bytes: Uint8Array }[] }));

vi.mock('node:crypto', async (importOriginal) => {
  const orig = await importOriginal<typeof import('node:crypto')>();
  const keep = (what: string, b: Uint8Array | ArrayBuffer) => {
    seen.buffers.push({ what, bytes: b instanceof ArrayBuffer ? new Uint8Array(b) : b });
    return b;
  };
  const wrapCipher = <T extends { update: (...a: never[]) => Buffer; final: () => Buffer }>(c: T, what: string): T => {
    const update = c.update.bind(c) as (...a: unknown[]) => Buffer;
    const final = c.final.bind(c);
    Object.assign(c, {
      update: (...a: unknown[]) => keep(`${what}.update`, update(...a)),
      final: () => keep(`${what}.final`, final()),
    });
    return c;
  };
  const wrapped = {
    createCipheriv: (...a: Parameters<typeof orig.createCipheriv>) => wrapCipher(orig.createCipheriv(...a), 'cipher'),
    createDecipheriv: (...a: Parameters<typeof orig.createDecipheriv>) => wrapCipher(orig.createDecipheriv(...a), 'decipher'),
    createECDH: (curve: string) => {
      const e = orig.createECDH(curve);
      const computeSecret = e.computeSecret.bind(e) as (k: NodeJS.ArrayBufferView) => Buffer;
      Object.assign(e, { computeSecret: (k: NodeJS.ArrayBufferView) => keep('computeSecret', computeSecret(k)) });
      return e;
    },
    createHash: (alg: string) => {
      const h = orig.createHash(alg);
      const digest = h.digest.bind(h) as () => Buffer;
      Object.assign(h, { digest: (...a: unknown[]) => (a.length === 0 ? keep('digest', digest()) : (digest as (...x: unknown[]) => unknown)(...a)) });
      return h;
    },
    hkdfSync: (...a: Parameters<typeof orig.hkdfSync>) => keep('hkdfSync', orig.hkdfSync(...a)) as ArrayBuffer,
  };
  return { ...orig, ...wrapped, default: { ...orig, ...wrapped } };
});

const { EcdhKeyPair, PinUvAuthProtocolOne, PinUvAuthProtocolTwo, zeroize } = await import('../../../src/pin/protocol.js');

const allZero = (b: Uint8Array) => b.every((x) => x === 0);
const nonZeroLeft = () => seen.buffers.filter((s) => !allZero(s.bytes)).map((s) => s.what);

afterEach(() => {
  seen.buffers.length = 0;
});

describe.each([
  ['one', () => new PinUvAuthProtocolOne()],
  ['two', () => new PinUvAuthProtocolTwo()],
])('protocol %s leaves no secret copies behind', (_name, make) => {
  it('encapsulate/decapsulate: Z, the digest and the HKDF outputs are zero once the shared secrets are zeroed', () => {
    const proto = make();
    const authenticator = new EcdhKeyPair();
    const enc = proto.encapsulate(authenticator.publicKey);
    const theirs = proto.decapsulate(authenticator, new EcdhKeyPair(undefined).publicKey);
    const ours = proto.decapsulate(authenticator, { x: enc.keyAgreement.get(-2) as Uint8Array, y: enc.keyAgreement.get(-3) as Uint8Array });
    expect(ours).toEqual(enc.sharedSecret); // both sides still agree
    expect(seen.buffers.some((s) => s.what === 'computeSecret')).toBe(true);
    expect(seen.buffers.some((s) => s.what === (proto.version === 1 ? 'digest' : 'hkdfSync'))).toBe(true);
    zeroize(enc.sharedSecret, theirs, ours);
    expect(nonZeroLeft()).toEqual([]);
  });

  it('sharedPoint: the Buffer from computeSecret is zero once the caller zeroes Z', () => {
    const a = new EcdhKeyPair();
    const z = a.sharedPoint(new EcdhKeyPair().publicKey);
    expect(allZero(z)).toBe(false);
    zeroize(z);
    expect(nonZeroLeft()).toEqual([]);
  });

  it('decrypting a pinUvAuthToken leaves no copy in the cipher output or the Buffer pool', () => {
    const proto = make();
    const key = new Uint8Array(64).fill(7);
    const token = new Uint8Array(32).map((_, i) => i + 1);
    const encrypted = proto.encrypt(key, token);
    seen.buffers.length = 0;
    const concat = vi.spyOn(Buffer, 'concat');
    try {
      const decrypted = proto.decrypt(key, encrypted);
      expect(decrypted).toEqual(token);
      // Its own memory, not a slice of Node's shared pool that zeroing it would not reach.
      expect(decrypted.byteOffset).toBe(0);
      expect(decrypted.buffer.byteLength).toBe(decrypted.length);
      expect(seen.buffers.filter((s) => s.what.startsWith('decipher')).length).toBeGreaterThan(0);
      // Buffers that the decryption went through are already zero; so is anything concatenated.
      for (const r of concat.mock.results) if (r.type === 'return') seen.buffers.push({ what: 'Buffer.concat', bytes: r.value as Buffer });
      expect(nonZeroLeft()).toEqual([]);
      zeroize(decrypted); // what a token's destroy() does
      expect(allZero(decrypted)).toBe(true);
    } finally {
      concat.mockRestore();
    }
  });

  it('encrypting: the cipher outputs are zeroed after being copied out', () => {
    const proto = make();
    const out = proto.encrypt(new Uint8Array(64).fill(9), new Uint8Array(64).fill(5));
    expect(allZero(out)).toBe(false);
    expect(out.buffer.byteLength).toBe(out.length);
    expect(nonZeroLeft()).toEqual([]);
  });
});

/**
 * Byte-level and frame-level mutations in the style of libFuzzer / libfido2's fuzz/mutator_aux.c:
 * bit flips, interesting values, insert/delete/truncate/splice of bytes, and for CTAPHID frame
 * streams (CTAP 2.1 §11.2.4) dropped, duplicated, reordered and rewritten frames, wrong channels,
 * wrong sequence numbers and lying byte counts.
 */
import type { Rng } from './rng.js';

const INTERESTING_8 = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1f, 0x20, 0x3f, 0x40, 0x5f, 0x60, 0x7b, 0x9f, 0xa0, 0xbf, 0xc0, 0xf4, 0xf5, 0xf6, 0xf7, 0xf9, 0xfa, 0xfb];

/** One random mutation of a byte string (may change its length). */
export function mutateBytes(rng: Rng, input: Uint8Array, maxLength = 8192): Uint8Array {
  let b: Uint8Array = Uint8Array.from(input);
  const rounds = rng.bool(0.7) ? 1 : rng.range(2, 6);
  for (let r = 0; r < rounds; r++) b = mutateOnce(rng, b, maxLength);
  return b;
}

function mutateOnce(rng: Rng, b: Uint8Array, maxLength: number): Uint8Array {
  const op = rng.int(10);
  const at = b.length ? rng.int(b.length) : 0;
  switch (op) {
    case 0: // flip one bit
      if (b.length) b[at]! ^= 1 << rng.int(8);
      return b;
    case 1: // random byte
      if (b.length) b[at] = rng.u32() & 0xff;
      return b;
    case 2: // interesting byte (CBOR headers, simple values, lengths)
      if (b.length) b[at] = rng.pick(INTERESTING_8);
      return b;
    case 3: // truncate
      return b.subarray(0, rng.int(b.length + 1)).slice();
    case 4: { // delete a run
      const n = rng.range(1, Math.max(1, Math.min(16, b.length)));
      return concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + n)));
    }
    case 5: { // insert random bytes
      if (b.length >= maxLength) return b;
      const ins = rng.bytes(rng.range(1, 8));
      return concat(b.subarray(0, at), ins, b.subarray(at));
    }
    case 6: { // duplicate a run (repeated headers, nested depth)
      if (b.length >= maxLength || !b.length) return b;
      const n = rng.range(1, Math.min(32, b.length - at));
      return concat(b.subarray(0, at), b.subarray(at, at + n), b.subarray(at));
    }
    case 7: { // big-endian 16/32-bit length field set to an extreme
      if (b.length < 3) return b;
      const v = rng.pick([0, 1, 0x7f, 0xff, 0x100, 0x1dc9, 0x1dca, 0xffff, 0xffffffff]);
      const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
      if (rng.bool() || b.length - at < 4) view.setUint16(Math.min(at, b.length - 2), v & 0xffff);
      else view.setUint32(at, v >>> 0);
      return b;
    }
    case 8: // append trailing garbage
      if (b.length >= maxLength) return b;
      return concat(b, rng.bytes(rng.range(1, 4)));
    default: { // swap two bytes
      if (b.length < 2) return b;
      const j = rng.int(b.length);
      const t = b[at]!;
      b[at] = b[j]!;
      b[j] = t;
      return b;
    }
  }
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Rewrite the channel id of a report (libfido2's fuzzers do the same to replay other channels). */
export function withCid(report: Uint8Array, cid: number): Uint8Array {
  const out = Uint8Array.from(report);
  if (out.length >= 4) new DataView(out.buffer).setUint32(0, cid >>> 0);
  return out;
}

/** Mutate a stream of 64-byte reports as a flaky or hostile device would. */
export function mutateFrames(rng: Rng, frames: Uint8Array[], cid: number): Uint8Array[] {
  let out: Uint8Array[] = frames.map((f) => Uint8Array.from(f));
  const rounds = rng.bool(0.6) ? 1 : rng.range(2, 4);
  for (let r = 0; r < rounds; r++) {
    const i = out.length ? rng.int(out.length) : 0;
    switch (rng.int(12)) {
      case 0: // drop a frame
        out.splice(i, 1);
        break;
      case 1: // duplicate a frame
        if (out.length) out.splice(i, 0, Uint8Array.from(out[i]!));
        break;
      case 2: // swap two frames
        if (out.length > 1) {
          const j = rng.int(out.length);
          [out[i], out[j]] = [out[j]!, out[i]!];
        }
        break;
      case 3: // a frame on a foreign channel
        if (out.length) out[i] = withCid(out[i]!, rng.bool() ? rng.u32() : (cid ^ 1) >>> 0);
        break;
      case 4: // foreign frame inserted (another host's traffic)
        out.splice(i, 0, withCid(rng.bytes(64), rng.u32()));
        break;
      case 5: // wrong sequence number / init bit flip
        if (out.length && out[i]!.length > 4) out[i]![4] = rng.bool() ? rng.int(256) : out[i]![4]! ^ 0x80;
        break;
      case 6: // lying byte count on an init frame
        if (out.length && out[i]!.length >= 7 && out[i]![4]! & 0x80) {
          new DataView(out[i]!.buffer).setUint16(5, rng.pick([0, 1, 56, 57, 58, 116, 117, 7609, 7610, 0xffff, rng.int(0x10000)]));
        }
        break;
      case 7: // short or long report
        if (out.length) out[i] = rng.bool() ? out[i]!.subarray(0, rng.int(out[i]!.length)).slice() : concat(out[i]!, rng.bytes(rng.range(1, 8)));
        break;
      case 8: // keepalive / error frame inserted
        out.splice(i, 0, control(cid, rng.pick([0xbb, 0xbf]), rng.pick([1, 2, 3, 0x06, 0x0b, 0x7f, 0])));
        break;
      case 9: // random frame on our channel
        out.splice(i, 0, withCid(rng.bytes(64), cid));
        break;
      case 10: // byte mutation inside a frame (payload or header)
        if (out.length) {
          const m = mutateBytes(rng, out[i]!, 64);
          out[i] = m.length === 64 ? m : concat(m, new Uint8Array(Math.max(0, 64 - m.length))).subarray(0, 64);
        }
        break;
      default: // truncate the stream
        out = out.slice(0, rng.int(out.length + 1));
    }
  }
  return out;
}

/** A single-frame control message (KEEPALIVE, ERROR) with a one-byte payload. */
export function control(cid: number, cmd: number, status: number): Uint8Array {
  const f = new Uint8Array(64);
  const v = new DataView(f.buffer);
  v.setUint32(0, cid >>> 0);
  f[4] = cmd;
  v.setUint16(5, 1);
  f[7] = status;
  return f;
}

/**
 * CBOR input generation (RFC 8949 as CTAP 2.1 §8 restricts it): raw items built byte by byte so
 * they cover what a canonical encoder never emits (non-minimal lengths, indefinite lengths, tags,
 * floats, invalid UTF-8, stray breaks, reserved additional info), and structure-aware mutation of
 * real response maps (entries dropped, retyped, duplicated, added, nested values rewritten).
 */
import { encodeCbor, type CborValue } from '../../src/cbor.js';
import { concat } from './mutate.js';
import type { Rng } from './rng.js';

/** Header of major type `major` with argument `value`, in a chosen (possibly non-minimal) width. */
export function header(major: number, value: number | bigint, width?: 0 | 1 | 2 | 4 | 8): Uint8Array {
  const v = BigInt(value);
  const w = width ?? (v < 24n ? 0 : v < 0x100n ? 1 : v < 0x10000n ? 2 : v < 0x1_0000_0000n ? 4 : 8);
  const m = major << 5;
  if (w === 0) return Uint8Array.of(m | Number(v));
  const out = new Uint8Array(1 + w);
  out[0] = m | { 1: 24, 2: 25, 4: 26, 8: 27 }[w];
  for (let i = 0; i < w; i++) out[w - i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
}

function width(rng: Rng, v: number): 0 | 1 | 2 | 4 | 8 | undefined {
  if (!rng.bool(0.15)) return undefined; // minimal most of the time
  const widths = ([1, 2, 4, 8] as const).filter((w) => w === 8 || v < 2 ** (8 * w));
  return rng.pick(widths);
}

const TEXTS = ['', 'FIDO_2_0', 'FIDO_2_1', 'FIDO_2_1_PRE', 'U2F_V2', 'clientPin', 'rk', 'up', 'uv', 'credMgmt', 'pinUvAuthToken', 'public-key', 'alg', 'type', 'id', 'name', 'displayName', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'é', '😀'];
const TAGS = [0, 1, 2, 3, 4, 5, 21, 22, 23, 24, 32, 64, 65, 66, 68, 69, 70, 72, 77, 81, 86, 258, 259, 0xd9f7, 55799, 105, 27, 28, 29, 0xffff, 0xffffffff];

/** One random CBOR data item, well-formed or not, at most `depth` levels deep. */
export function rawItem(rng: Rng, depth = 3): Uint8Array {
  const choice = rng.int(depth > 0 ? 16 : 11);
  switch (choice) {
    case 0: {
      const v = rng.pick([0, 1, 23, 24, 255, 256, 65535, 65536, 0x7fffffff, 0xffffffff, rng.int(1000)]);
      return header(0, v, width(rng, v));
    }
    case 1: {
      if (rng.bool(0.2)) return concat(Uint8Array.of(0x1b), rng.bytes(8)); // huge uint64
      const v = rng.int(100000);
      return header(1, v, width(rng, v));
    }
    case 2: {
      const n = rng.pick([0, 1, 15, 16, 17, 31, 32, 33, 64, 65, rng.int(80)]);
      return concat(header(2, n, width(rng, n)), rng.bytes(n));
    }
    case 3: {
      if (rng.bool(0.2)) { // invalid UTF-8
        const b = rng.bytes(rng.range(1, 6));
        b[0] = rng.pick([0xc0, 0xc3, 0xe0, 0xed, 0xf0, 0xf8, 0xff, 0x80]);
        return concat(header(3, b.length), b);
      }
      const t = new TextEncoder().encode(rng.pick(TEXTS));
      return concat(header(3, t.length, width(rng, t.length)), t);
    }
    case 4: // simple values: false, true, null, undefined, simple(n)
      return rng.bool(0.8) ? Uint8Array.of(rng.pick([0xf4, 0xf5, 0xf6, 0xf7])) : Uint8Array.of(0xf8, rng.int(256));
    case 5: { // floats: half, single, double including NaN and infinities
      const k = rng.int(3);
      if (k === 0) return concat(Uint8Array.of(0xf9), rng.pick([Uint8Array.of(0x7e, 0), Uint8Array.of(0x7c, 0), rng.bytes(2)]));
      if (k === 1) return concat(Uint8Array.of(0xfa), rng.bytes(4));
      const d = new Uint8Array(9);
      d[0] = 0xfb;
      new DataView(d.buffer).setFloat64(1, rng.pick([NaN, Infinity, -Infinity, 1.5, -0, 2 ** 53 + 2, 4.000000001, rng.u32()]));
      return d;
    }
    case 6: // reserved additional info, stray break
      return Uint8Array.of(rng.pick([0x1c, 0x1d, 0x1e, 0x3c, 0x5d, 0x7e, 0x9c, 0xbd, 0xdc, 0xfc, 0xff]));
    case 7: { // indefinite byte/text string made of chunks
      const major = rng.bool() ? 2 : 3;
      const parts: Uint8Array[] = [Uint8Array.of((major << 5) | 31)];
      for (let i = rng.int(3); i > 0; i--) parts.push(concat(header(major, 2), major === 2 ? rng.bytes(2) : new TextEncoder().encode('ab')));
      if (rng.bool(0.9)) parts.push(Uint8Array.of(0xff));
      return concat(...parts);
    }
    case 8: { // truncated item: a header promising more than follows
      return concat(header(rng.pick([2, 3, 4, 5]), rng.pick([1, 10, 1000, 0xffffffff])), rng.bytes(rng.int(4)));
    }
    case 9:
      return header(0, rng.int(32)); // small ints (getInfo keys, statuses)
    case 10:
      return Uint8Array.of(0x40 + 16, ...rng.bytes(16)); // 16-byte string (aaguid size)
    case 11: { // array
      const n = rng.int(5);
      const items = Array.from({ length: n }, () => rawItem(rng, depth - 1));
      if (rng.bool(0.15)) return concat(Uint8Array.of(0x9f), ...items, Uint8Array.of(0xff));
      return concat(header(4, n, width(rng, n)), ...items);
    }
    case 12:
    case 13: { // map with int or text keys
      const n = rng.int(5);
      const entries: Uint8Array[] = [];
      for (let i = 0; i < n; i++) entries.push(rng.bool() ? header(0, rng.int(32)) : rawText(rng), rawItem(rng, depth - 1));
      if (rng.bool(0.15)) return concat(Uint8Array.of(0xbf), ...entries, Uint8Array.of(0xff));
      return concat(header(5, n, width(rng, n)), ...entries);
    }
    case 14: // tagged item
      return concat(header(6, rng.pick(TAGS)), rawItem(rng, depth - 1));
    default: { // deep nesting
      const d = rng.range(8, 200);
      return concat(new Uint8Array(d).fill(rng.pick([0x81, 0xa1, 0xc6, 0xd8])), Uint8Array.of(0x01));
    }
  }
}

function rawText(rng: Rng): Uint8Array {
  const t = new TextEncoder().encode(rng.pick(TEXTS));
  return concat(header(3, t.length), t);
}

/** Encode a decoded corpus value back to bytes (canonical; used as the starting point for mutation). */
export function encodeValue(v: unknown): Uint8Array {
  return encodeCbor(v as CborValue);
}

/**
 * Structure-aware mutation of a CBOR map given as decoded entries: returns new map bytes. Keys
 * and values stay as byte strings so the result can hold anything, including duplicate keys.
 */
export function mutateMap(rng: Rng, map: Map<unknown, unknown>, depth = 2): Uint8Array {
  const entries: [Uint8Array, Uint8Array][] = [...map.entries()].map(([k, v]) => [encodeValue(k), encodeValue(v)]);
  const values = [...map.values()];
  const rounds = rng.range(1, 3);
  for (let r = 0; r < rounds; r++) {
    const i = entries.length ? rng.int(entries.length) : 0;
    switch (rng.int(8)) {
      case 0: // drop an entry (a required member goes missing)
        entries.splice(i, 1);
        break;
      case 1: // replace a value with anything
      case 2:
        if (entries.length) entries[i]![1] = rawItem(rng, 2);
        break;
      case 3: // add an entry
        entries.splice(i, 0, [rng.bool(0.8) ? header(0, rng.int(40)) : rawItem(rng, 0), rawItem(rng, 2)]);
        break;
      case 4: // duplicate key
        if (entries.length) entries.splice(i, 0, [entries[i]![0], rawItem(rng, 1)]);
        break;
      case 5: { // recurse into a nested map or array
        const v = values[i];
        if (depth > 0 && entries[i] && v instanceof Map) entries[i]![1] = mutateMap(rng, v, depth - 1);
        else if (depth > 0 && entries[i] && Array.isArray(v)) entries[i]![1] = mutateArray(rng, v, depth - 1);
        break;
      }
      case 6: // swap two values (right member, wrong type)
        if (entries.length > 1) {
          const j = rng.int(entries.length);
          [entries[i]![1], entries[j]![1]] = [entries[j]![1], entries[i]![1]];
        }
        break;
      default: // a key of the wrong type
        if (entries.length) entries[i]![0] = rawItem(rng, 0);
    }
  }
  return concat(header(5, entries.length), ...entries.flat());
}

function mutateArray(rng: Rng, arr: unknown[], depth: number): Uint8Array {
  const items = arr.map(encodeValue);
  const i = items.length ? rng.int(items.length) : 0;
  switch (rng.int(4)) {
    case 0:
      items.splice(i, 1);
      break;
    case 1:
      items.splice(i, 0, rawItem(rng, 1));
      break;
    case 2: {
      const v = arr[i];
      if (v instanceof Map && depth >= 0) items[i] = mutateMap(rng, v, depth);
      else if (items.length) items[i] = rawItem(rng, 1);
      break;
    }
    default:
      if (items.length) items[i] = rawItem(rng, 1);
  }
  return concat(header(4, items.length), ...items);
}

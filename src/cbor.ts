/**
 * The one place that configures cbor-x. CTAP2 needs "CTAP2 canonical CBOR" (CTAP 2.1 §8, "Message
 * Encoding"): definite lengths, minimal integer encodings, no tags, and map keys sorted by major type,
 * then encoded length, then bytes. cbor-x keeps Map insertion order, so `canonical()` sorts first.
 * Options are spelled out so an upgrade that changes a default cannot silently change our bytes;
 * byte-exact tests lock the output.
 */
import { Decoder, Encoder } from 'cbor-x';
import { InvalidCborError } from './errors.js';

const encoder = new Encoder({
  useRecords: false, // no tag-105 record extension
  mapsAsObjects: false,
  variableMapSize: true, // minimal map headers instead of a fixed 16-bit size
  tagUint8Array: false, // byte strings plain, no tag 64
  pack: false,
  structuredClone: false,
  bundleStrings: false,
});

const decoder = new Decoder({
  useRecords: false,
  mapsAsObjects: false, // maps come back as Map so integer keys stay integers
  structuredClone: false,
  bundleStrings: false,
});

/** A CBOR value as CTAP uses it. */
export type CborValue =
  | number
  | bigint
  | string
  | boolean
  | null
  | undefined
  | Uint8Array
  | CborValue[]
  | CborMap
  | { [key: string]: CborValue };
export type CborMap = Map<number | string, CborValue>;

/** Encode in CTAP2 canonical form. `undefined` entries of maps are dropped (optional parameters). */
export function encodeCbor(value: CborValue): Uint8Array {
  const bytes = encoder.encode(canonical(value));
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Decode one complete CBOR item; anything malformed, truncated or with trailing bytes is an InvalidCborError. */
export function decodeCbor(bytes: Uint8Array): unknown {
  if (bytes.length === 0) throw new InvalidCborError('Empty CBOR data');
  // cbor-x trusts length headers: an array header claiming millions of items, or an indefinite
  // item that never ends, ties up the event loop for seconds. Check the structure first, in one
  // linear pass bounded by the input's own size.
  assertWellFormed(bytes);
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw new InvalidCborError(`Malformed CBOR: ${(cause as Error).message}`, { cause });
  }
}

/** Deepest nesting we accept; CTAP messages nest four or five levels at most. */
const MAX_DEPTH = 32;

/**
 * RFC 8949 §5.3.1 well-formedness in one pass: every head complete, every length within the
 * remaining bytes, every indefinite item closed by a break, nesting bounded, one item exactly.
 */
export function assertWellFormed(bytes: Uint8Array): void {
  const end = skipItem(bytes, 0, 0);
  if (end !== bytes.length) throw new InvalidCborError(`Malformed CBOR: ${bytes.length - end} bytes after the item`);
}

const BREAK = -1;

/** Returns the offset after the item at `pos` (or BREAK's marker via `allowBreak`). */
function skipItem(bytes: Uint8Array, pos: number, depth: number, allowBreak = false): number {
  if (depth > MAX_DEPTH) throw new InvalidCborError('Malformed CBOR: nested too deeply');
  if (pos >= bytes.length) throw new InvalidCborError('Malformed CBOR: truncated');
  const initial = bytes[pos]!;
  const major = initial >> 5;
  const info = initial & 0x1f;
  if (initial === 0xff) {
    if (allowBreak) return BREAK;
    throw new InvalidCborError('Malformed CBOR: unexpected break');
  }
  let p = pos + 1;
  let arg = 0;
  if (info < 24) arg = info;
  else if (info <= 27) {
    const size = 1 << (info - 24);
    if (p + size > bytes.length) throw new InvalidCborError('Malformed CBOR: truncated header');
    for (let i = 0; i < size; i++) arg = arg * 256 + bytes[p + i]!;
    p += size;
  } else if (info < 31 || major < 2 || major === 6) {
    throw new InvalidCborError('Malformed CBOR: reserved additional information');
  }
  const indefinite = info === 31;
  switch (major) {
    case 0:
    case 1:
    case 7:
      return p;
    case 2:
    case 3:
      if (!indefinite) return within(bytes, p, arg);
      for (;;) {
        if (p >= bytes.length) throw new InvalidCborError('Malformed CBOR: unterminated string');
        if (bytes[p] === 0xff) return p + 1;
        if (bytes[p]! >> 5 !== major || (bytes[p]! & 0x1f) === 31) throw new InvalidCborError('Malformed CBOR: bad string chunk');
        p = skipItem(bytes, p, depth + 1);
      }
    case 4:
    case 5: {
      const perEntry = major === 5 ? 2 : 1;
      if (!indefinite) {
        // Every item takes at least one byte: a count beyond the remaining bytes is a lie.
        if (arg * perEntry > bytes.length - p) throw new InvalidCborError('Malformed CBOR: length beyond the data');
        for (let i = 0; i < arg * perEntry; i++) p = skipItem(bytes, p, depth + 1);
        return p;
      }
      for (let i = 0; ; i++) {
        const next = skipItem(bytes, p, depth + 1, i % perEntry === 0);
        if (next === BREAK) return p + 1;
        p = next;
      }
    }
    default: // 6: tag, then one item
      return skipItem(bytes, p, depth + 1);
  }
}

function within(bytes: Uint8Array, p: number, length: number): number {
  if (length > bytes.length - p) throw new InvalidCborError('Malformed CBOR: length beyond the data');
  return p + length;
}

function canonical(value: CborValue): unknown {
  if (value instanceof Map) {
    return sortedMap([...value.entries()]);
  }
  if (Array.isArray(value)) return value.map(canonical);
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'number' && Number.isInteger(value)) return canonicalInteger(value);
  if (typeof value === 'bigint') return canonicalInteger(value);
  if (value !== null && typeof value === 'object') {
    return sortedMap(Object.entries(value));
  }
  return value;
}

/**
 * cbor-x writes integers beyond 32 bits as float64 and bigints always as 8 bytes; CTAP needs
 * integers as major type 0/1 in their shortest form, so pick the representation that gives it.
 */
function canonicalInteger(value: number | bigint): number | bigint {
  const big = BigInt(value);
  if (big > -0x100000000n && big <= 0xffffffffn) return Number(big);
  return big;
}

function sortedMap(entries: [number | string, CborValue][]): Map<unknown, unknown> {
  const keyed = entries
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ({ k, v, enc: encoder.encode(k) as Uint8Array }));
  keyed.sort((a, b) => compareKeys(a.enc, b.enc));
  return new Map(keyed.map(({ k, v }) => [k, canonical(v)]));
}

/** CTAP2 canonical key order: major type, then encoded length, then bytewise. */
export function compareKeys(a: Uint8Array, b: Uint8Array): number {
  const major = (a[0]! >> 5) - (b[0]! >> 5);
  if (major !== 0) return major;
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return 0;
}

/** Narrow a decoded value to a CBOR map, or throw a typed error naming what was expected. */
export function expectMap(value: unknown, what: string): Map<unknown, unknown> {
  if (!(value instanceof Map)) throw new InvalidCborError(`${what}: expected a CBOR map`);
  return value;
}

/** Load the copied test vectors (tests/fixtures/vectors) and small byte helpers. */
import { readFileSync } from 'node:fs';

export function loadVector<T = any>(relative: string): T {
  return JSON.parse(readFileSync(new URL(`../../../fixtures/vectors/${relative}`, import.meta.url), 'utf8')) as T;
}

export function hex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'hex'));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

export interface WireEntry {
  name: string;
  frames: string[];
  frames_padded64?: string[];
  messages: { cid: string; cmd: string; payload: string; cbor_decoded?: unknown; getinfo_named?: Record<string, unknown> }[];
}

/** One libfido2 wiredata entry by name, from the current file or the historical one. */
export function wire(name: string, file = 'libfido2/wiredata_fido2.json'): WireEntry {
  const data = loadVector<{ entries: WireEntry[] }>(file);
  const entry = data.entries.find((e) => e.name === name);
  if (!entry) throw new Error(`No wiredata entry ${name} in ${file}`);
  return entry;
}

/** The entry's frames as 64-byte reports, with the channel id of every frame rewritten to `cid` if given. */
export function frames(entry: WireEntry, cid?: number): Uint8Array[] {
  const list = entry.frames_padded64 ?? entry.frames;
  return list.map((h) => {
    const f = new Uint8Array(64);
    f.set(hex(h).subarray(0, 64));
    if (cid !== undefined) new DataView(f.buffer).setUint32(0, cid >>> 0);
    return f;
  });
}

/** Turn the vectors' JSON notation ({"$map": [...]}, {"$bytes": hex}) into decoded-CBOR shapes. */
export function fromJsonCbor(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromJsonCbor);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('$bytes' in o) return hex(o.$bytes as string);
    if ('$map' in o) return new Map((o.$map as [unknown, unknown][]).map(([k, val]) => [fromJsonCbor(k), fromJsonCbor(val)]));
    return new Map(Object.entries(o).map(([k, val]) => [k, fromJsonCbor(val)]));
  }
  return v;
}

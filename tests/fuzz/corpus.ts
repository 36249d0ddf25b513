/**
 * Seed corpus from real devices: libfido2's recorded CTAPHID responses (BSD-2-Clause, Yubico AB;
 * copied into tests/fixtures/vectors/libfido2 with their source lines). Frame streams feed the
 * reassembler and the device; CBOR bodies feed the response parsers.
 */
import historical from '../fixtures/vectors/libfido2/historical_wiredata.json';
import fido2 from '../fixtures/vectors/libfido2/wiredata_fido2.json';
import u2f from '../fixtures/vectors/libfido2/wiredata_u2f.json';
import { decodeCbor } from '../../src/cbor.js';
import { fromHex } from './rng.js';

interface Entry {
  name: string;
  frames: string[];
  frames_padded64?: string[];
  messages: { cid: string; cmd: string; bcnt: number; payload: string }[];
}

export interface FrameStream {
  name: string;
  /** Channel of the stream's first message (the INIT entry answers on the broadcast channel). */
  cid: number;
  frames: Uint8Array[];
}

export interface CborBody {
  name: string;
  /** CTAP status byte followed by the CBOR map, as CTAPHID_CBOR carries it. */
  payload: Uint8Array;
}

// NFC/APDU entries carry raw bytes instead of HID frames; only the HID ones are used here.
const entries: Entry[] = ([...fido2.entries, ...historical.entries, ...u2f.entries] as Partial<Entry>[]).filter(
  (e): e is Entry => Array.isArray(e.frames) && Array.isArray(e.messages),
);

/** Every recorded response as a stream of 64-byte reports. */
export const frameStreams: FrameStream[] = entries.map((e) => ({
  name: e.name,
  cid: parseInt(e.messages[0]!.cid, 16) >>> 0,
  frames: (e.frames_padded64 ?? e.frames).map(fromHex),
}));

/** Every recorded CTAPHID_CBOR answer body. */
export const cborBodies: CborBody[] = entries.flatMap((e) =>
  e.messages.filter((m) => m.cmd === '0x90').map((m) => ({ name: e.name, payload: fromHex(m.payload) })),
);

/** Recorded U2F (CTAPHID_MSG) answers. */
export const u2fBodies: Uint8Array[] = entries.filter((e) => e.messages.some((m) => m.cmd === '0x83')).flatMap((e) => e.messages.map((m) => fromHex(m.payload)));

/** Decoded getInfo maps: the current libfido2 recording and the CTAP 2.1-PRE one. */
export const getInfoMaps: Map<unknown, unknown>[] = cborBodies
  .filter((b) => b.name === 'WIREDATA_CTAP_CBOR_INFO')
  .map((b) => decodeCbor(b.payload.subarray(1)) as Map<unknown, unknown>);

/** Decoded response maps of every CBOR answer that has one (status 0, non-empty body). */
export const responseMaps: { name: string; map: Map<unknown, unknown> }[] = cborBodies
  .filter((b) => b.payload.length > 1 && b.payload[0] === 0)
  .map((b) => ({ name: b.name, map: decodeCbor(b.payload.subarray(1)) as Map<unknown, unknown> }));

/** The INIT answer libfido2 recorded: nonce, channel 00220002, version 5.2.1, WINK|CBOR. */
export const initPayload: Uint8Array = fromHex(entries.find((e) => e.name === 'WIREDATA_CTAP_INIT')!.messages[0]!.payload);
export const RECORDED_CID = 0x00220002;

/**
 * CTAPHID framing (CTAP 2.1 §11.2.4): pure functions, no I/O. A message is split into one
 * initialisation packet and up to 128 continuation packets, each one 64-byte HID report:
 *
 *   init:         CID(4) | CMD|0x80 (1) | BCNTH (1) | BCNTL (1) | DATA (57)
 *   continuation: CID(4) | SEQ 0..127 (1) | DATA (59)
 *
 * so the largest message is 57 + 128 × 59 = 7609 bytes.
 */
import { MessageTooLargeError, ProtocolError } from '../errors.js';

export const REPORT_SIZE = 64;
export const INIT_DATA_SIZE = REPORT_SIZE - 7;
export const CONT_DATA_SIZE = REPORT_SIZE - 5;
export const MAX_SEQ = 127;
export const MAX_MESSAGE_SIZE = INIT_DATA_SIZE + (MAX_SEQ + 1) * CONT_DATA_SIZE; // 7609
export const BROADCAST_CID = 0xffffffff;

/** CTAPHID command bytes, with the init-packet bit (0x80) already set (§11.2.9). */
export const CtapHidCmd = {
  PING: 0x81,
  MSG: 0x83,
  LOCK: 0x84,
  INIT: 0x86,
  WINK: 0x88,
  CBOR: 0x90,
  CANCEL: 0x91,
  KEEPALIVE: 0xbb,
  ERROR: 0xbf,
} as const;

/** CAPABILITIES flags of the INIT response (§11.2.9.1.3). */
export const Capability = { WINK: 0x01, CBOR: 0x04, NMSG: 0x08 } as const;

/** KEEPALIVE status byte (§11.2.9.2.1). */
export const KeepaliveStatus = { PROCESSING: 1, UPNEEDED: 2 } as const;

export type Packet =
  | { kind: 'init'; cid: number; cmd: number; bcnt: number; data: Uint8Array }
  | { kind: 'cont'; cid: number; seq: number; data: Uint8Array };

export interface Message {
  cid: number;
  cmd: number;
  payload: Uint8Array;
}

/** Split a message into 64-byte reports; refuses anything over 7609 bytes. */
export function fragment(cid: number, cmd: number, payload: Uint8Array): Uint8Array[] {
  if (payload.length > MAX_MESSAGE_SIZE) throw new MessageTooLargeError(payload.length, MAX_MESSAGE_SIZE);
  const reports: Uint8Array[] = [];
  const first = new Uint8Array(REPORT_SIZE);
  const view = new DataView(first.buffer);
  view.setUint32(0, cid >>> 0);
  first[4] = cmd | 0x80;
  view.setUint16(5, payload.length);
  first.set(payload.subarray(0, INIT_DATA_SIZE), 7);
  reports.push(first);
  let offset = INIT_DATA_SIZE;
  for (let seq = 0; offset < payload.length; seq++) {
    const cont = new Uint8Array(REPORT_SIZE);
    new DataView(cont.buffer).setUint32(0, cid >>> 0);
    cont[4] = seq;
    cont.set(payload.subarray(offset, offset + CONT_DATA_SIZE), 5);
    reports.push(cont);
    offset += CONT_DATA_SIZE;
  }
  return reports;
}

/** Read the header of one report. Reports shorter than the 5- or 7-byte header are a ProtocolError. */
export function parsePacket(report: Uint8Array): Packet {
  if (report.length < 5) throw new ProtocolError(`HID report of ${report.length} bytes is too short`);
  const view = new DataView(report.buffer, report.byteOffset, report.byteLength);
  const cid = view.getUint32(0);
  const b4 = report[4]!;
  if (b4 & 0x80) {
    if (report.length < 7) throw new ProtocolError('Initialisation packet is too short');
    return { kind: 'init', cid, cmd: b4, bcnt: view.getUint16(5), data: report.subarray(7) };
  }
  return { kind: 'cont', cid, seq: b4, data: report.subarray(5) };
}

/**
 * Host-side reassembly of one response on one channel. Packets for other channels are ignored
 * (returned as 'ignored'), never appended; a continuation out of sequence is a ProtocolError.
 */
export class MessageAssembler {
  private cmd = 0;
  private buffer: Uint8Array | null = null;
  private filled = 0;
  private nextSeq = 0;

  constructor(readonly cid: number) {}

  /** Feed one report. Returns the whole message once complete, 'ignored' for foreign packets, or undefined while incomplete. */
  push(report: Uint8Array): Message | 'ignored' | undefined {
    const packet = parsePacket(report);
    if (packet.cid !== this.cid) return 'ignored';
    if (packet.kind === 'init') {
      if (this.buffer) throw new ProtocolError('New message started before the previous one finished');
      if (packet.bcnt > MAX_MESSAGE_SIZE) throw new MessageTooLargeError(packet.bcnt, MAX_MESSAGE_SIZE);
      this.cmd = packet.cmd;
      this.buffer = new Uint8Array(packet.bcnt);
      this.nextSeq = 0;
      this.filled = 0;
      return this.take(packet.data);
    }
    if (!this.buffer) throw new ProtocolError(`Continuation packet (seq ${packet.seq}) without an initialisation packet`);
    if (packet.seq !== this.nextSeq) {
      throw new ProtocolError(`Continuation packet out of sequence: expected ${this.nextSeq}, got ${packet.seq}`);
    }
    this.nextSeq++;
    return this.take(packet.data);
  }

  /** Drop a partial message (after an error, or between calls). */
  reset(): void {
    this.buffer = null;
    this.filled = 0;
    this.nextSeq = 0;
  }

  private take(data: Uint8Array): Message | undefined {
    const buffer = this.buffer!;
    const n = Math.min(data.length, buffer.length - this.filled);
    buffer.set(data.subarray(0, n), this.filled);
    this.filled += n;
    if (this.filled < buffer.length) return undefined;
    this.buffer = null;
    return { cid: this.cid, cmd: this.cmd, payload: buffer };
  }
}

/** CTAPHID_INIT response (§11.2.9.1.3). */
export interface InitResponse {
  nonce: Uint8Array;
  cid: number;
  protocolVersion: number;
  deviceVersion: [major: number, minor: number, build: number];
  capabilities: { wink: boolean; cbor: boolean; nmsg: boolean; raw: number };
}

export function parseInitResponse(payload: Uint8Array): InitResponse {
  if (payload.length < 17) throw new ProtocolError(`INIT response of ${payload.length} bytes is too short (17 expected)`);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const raw = payload[16]!;
  return {
    nonce: payload.slice(0, 8),
    cid: view.getUint32(8),
    protocolVersion: payload[12]!,
    deviceVersion: [payload[13]!, payload[14]!, payload[15]!],
    capabilities: {
      wink: (raw & Capability.WINK) !== 0,
      cbor: (raw & Capability.CBOR) !== 0,
      nmsg: (raw & Capability.NMSG) !== 0,
      raw,
    },
  };
}

export function encodeInitResponse(r: Omit<InitResponse, 'capabilities'> & { capabilities: number }): Uint8Array {
  const out = new Uint8Array(17);
  out.set(r.nonce.subarray(0, 8), 0);
  new DataView(out.buffer).setUint32(8, r.cid >>> 0);
  out[12] = r.protocolVersion;
  out.set(r.deviceVersion, 13);
  out[16] = r.capabilities;
  return out;
}

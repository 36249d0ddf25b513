/**
 * Fuzz targets: every place where bytes from a key enter the engine. Each target turns a seeded
 * Rng into a JSON-serialisable input (so a crash can be saved and replayed) and runs it. Success
 * and typed errors (SkmError) are fine; anything else thrown, or a result that breaks its
 * declared shape (InvariantViolation), is a failure.
 *
 *   framing:  parsePacket, MessageAssembler, fragment round trip, parseInitResponse (§11.2.4)
 *   device:   CtapHidDevice.open + call over a scripted HidConnection (§11.2.9)
 *   CBOR:     decodeCbor, decodeResponse, parseGetInfo, makeCredential/getAssertion parsers (§8, §6)
 *   commands: ClientPin, CredentialManagement, AuthenticatorConfig, reset, selection, getInfo,
 *             driven through Ctap2.send over a device double returning mutated bodies (§6.5-§6.11)
 */
import { decodeCbor, expectMap } from '../../src/cbor.js';
import { ClientPin, PinUvAuthToken } from '../../src/ctap2/client-pin.js';
import { decodeResponse } from '../../src/ctap2/command.js';
import { AuthenticatorConfig } from '../../src/ctap2/config.js';
import { CredentialManagement } from '../../src/ctap2/credential-management.js';
import { Ctap2 } from '../../src/ctap2/ctap2.js';
import { parseGetAssertionResponse } from '../../src/ctap2/get-assertion.js';
import { type AuthenticatorInfo, parseGetInfo } from '../../src/ctap2/get-info.js';
import { parseMakeCredentialResponse } from '../../src/ctap2/make-credential.js';
import { reset } from '../../src/ctap2/reset.js';
import { selection } from '../../src/ctap2/selection.js';
import { CtapHidDevice } from '../../src/ctaphid/device.js';
import {
  BROADCAST_CID,
  CtapHidCmd,
  MAX_MESSAGE_SIZE,
  MessageAssembler,
  REPORT_SIZE,
  encodeInitResponse,
  fragment,
  parseInitResponse,
  parsePacket,
} from '../../src/ctaphid/framing.js';
import { DeviceBusyError, MessageTooLargeError } from '../../src/errors.js';
import { PinUvAuthProtocolOne, PinUvAuthProtocolTwo } from '../../src/pin/protocol.js';
import { mutateMap, rawItem } from './cbor-gen.js';
import { RECORDED_CID, cborBodies, frameStreams, getInfoMaps, initPayload, responseMaps } from './corpus.js';
import { ScriptedCborDevice, ScriptedConnection } from './fakes.js';
import { concat, control, mutateBytes, mutateFrames, withCid } from './mutate.js';
import { type Rng, fromHex, toHex } from './rng.js';

/** A result that is not an error but breaks the shape the engine promises. */
export class InvariantViolation extends Error {
  override name = 'InvariantViolation';
}

function check(cond: unknown, what: string): asserts cond {
  if (!cond) throw new InvariantViolation(what);
}

export interface FuzzTarget<I = unknown> {
  name: string;
  /** Relative share of cases in a mixed run. */
  weight: number;
  generate(rng: Rng): I;
  run(input: I): void | Promise<void>;
}

function target<I>(t: FuzzTarget<I>): FuzzTarget<unknown> {
  return t as FuzzTarget<unknown>;
}

// ---------- helpers ----------

function body(name: string, index = 0): Uint8Array {
  const all = cborBodies.filter((b) => b.name === name);
  return all[index % all.length]!.payload;
}

function mapOf(name: string, index = 0): Map<unknown, unknown> {
  const all = responseMaps.filter((b) => b.name === name);
  return all[index % all.length]!.map;
}

const STATUSES = [0x00, 0x01, 0x06, 0x0b, 0x11, 0x14, 0x27, 0x2b, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x39, 0x3b, 0x3c, 0x7f, 0xdf, 0xe0, 0xf0, 0xff];

/** A CTAPHID_CBOR answer derived from `base`: kept, mutated as a map, mutated as bytes, re-statused or random. */
function mutateBody(rng: Rng, base: Uint8Array, keepP = 0.3): Uint8Array {
  const r = rng.u32() % 100;
  if (r < keepP * 100) return base;
  if (r < 60 && base.length > 1 && base[0] === 0) {
    try {
      const map = decodeCbor(base.subarray(1));
      if (map instanceof Map) return concat(Uint8Array.of(0), mutateMap(rng, map));
    } catch {
      // not a map: fall through to byte mutation
    }
  }
  if (r < 82) return mutateBytes(rng, base, 2048);
  if (r < 90) return Uint8Array.of(rng.pick(STATUSES));
  if (r < 95) return concat(Uint8Array.of(0), rawItem(rng, 3));
  return new Uint8Array(0);
}

function tweakInfo(map: Map<unknown, unknown>, extra: Record<string, boolean>): AuthenticatorInfo {
  const info = parseGetInfo(map);
  info.options = { ...info.options, ...extra };
  info.maxMsgSize = 7609;
  return info;
}

/** A CTAP 2.1 key with every feature the commands below need. */
const INFO_21: AuthenticatorInfo = (() => {
  const info = tweakInfo(getInfoMaps[0]!, {
    clientPin: true,
    credMgmt: true,
    authnrCfg: true,
    alwaysUv: false,
    setMinPINLength: true,
    pinUvAuthToken: true,
  });
  info.versions = ['U2F_V2', 'FIDO_2_0', 'FIDO_2_1'];
  info.pinUvAuthProtocols = [2, 1];
  info.maxRPIDsForSetMinPINLength = 4;
  return info;
})();
/** A CTAP 2.1-PRE key (credentialMgmtPreview, protocol one) from the historical recording. */
const INFO_PRE: AuthenticatorInfo = (() => {
  const info = tweakInfo(getInfoMaps[1] ?? getInfoMaps[0]!, { clientPin: true, credentialMgmtPreview: true });
  delete info.options.credMgmt;
  info.versions = ['U2F_V2', 'FIDO_2_0', 'FIDO_2_1_PRE'];
  info.pinUvAuthProtocols = [1];
  return info;
})();
/** A CTAP 2.0 key: no selection command, touch through makeCredential. */
const INFO_20: AuthenticatorInfo = { ...INFO_PRE, versions: ['U2F_V2', 'FIDO_2_0'], options: { clientPin: false, rk: true } };

const INFOS = { ctap21: INFO_21, pre: INFO_PRE, ctap20: INFO_20 };
type InfoName = keyof typeof INFOS;

// ---------- getInfo shape ----------

function isUint(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function checkStringArray(v: unknown, name: string): void {
  check(Array.isArray(v) && v.every((s) => typeof s === 'string'), `${name} must be string[]`);
}

function checkUintArray(v: unknown, name: string): void {
  check(Array.isArray(v) && v.every(isUint), `${name} must be an array of unsigned integers, got ${describe(v)}`);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(describe).join(', ')}]`;
  return v === undefined ? 'undefined' : typeof v === 'bigint' ? `${v}n` : JSON.stringify(v) ?? String(v);
}

/** AuthenticatorInfo as declared in get-info.ts: every field of its declared type. */
export function checkInfoShape(info: AuthenticatorInfo): void {
  checkStringArray(info.versions, 'versions');
  checkStringArray(info.extensions, 'extensions');
  check(info.aaguid instanceof Uint8Array && info.aaguid.length === 16, 'aaguid must be 16 bytes');
  check(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(info.aaguidString), 'aaguidString must be a UUID');
  check(Object.values(info.options).every((v) => typeof v === 'boolean'), 'options must be booleans');
  check(isUint(info.maxMsgSize), 'maxMsgSize must be an unsigned integer');
  checkUintArray(info.pinUvAuthProtocols, 'pinUvAuthProtocols');
  checkStringArray(info.transports, 'transports');
  check(typeof info.forcePINChange === 'boolean', 'forcePINChange must be boolean');
  check(isUint(info.minPINLength), 'minPINLength must be an unsigned integer');
  check(typeof info.longTouchForReset === 'boolean', 'longTouchForReset must be boolean');
  for (const k of [
    'maxCredentialCountInList',
    'maxCredentialIdLength',
    'maxSerializedLargeBlobArray',
    'firmwareVersion',
    'maxCredBlobLength',
    'maxRPIDsForSetMinPINLength',
    'preferredPlatformUVAttempts',
    'uvModality',
    'remainingDiscoverableCredentials',
    'uvCountSinceLastPinEntry',
    'maxPINLength',
  ] as const) {
    const v = info[k];
    check(v === undefined || isUint(v), `${k} must be an unsigned integer, got ${describe(v)}`);
  }
  for (const k of ['vendorPrototypeConfigCommands', 'authenticatorConfigCommands'] as const) {
    if (info[k] !== undefined) checkUintArray(info[k], k);
  }
  if (info.certifications !== undefined) {
    check(Object.values(info.certifications).every(isUint), `certifications values must be unsigned integers, got ${describe(Object.values(info.certifications))}`);
  }
  if (info.algorithms !== undefined) {
    check(info.algorithms.every((a) => typeof a.type === 'string' && Number.isInteger(a.alg)), 'algorithms must be {type, alg}');
  }
}

// ---------- targets ----------

interface ReportInput { report: string }
interface StreamInput { cid: number; reports: string[] }
interface BytesInput { bytes: string }
interface ResponseInput { command: number; payload: string }
interface DeviceInput { nonce: string; init: string[]; reports: string[]; cmd: number; payloadLength: number }
interface CommandInput { op: string; info: InfoName; bodies: string[] }

const parsePacketTarget = target<ReportInput>({
  name: 'framing.parsePacket',
  weight: 8,
  generate(rng) {
    const s = rng.pick(frameStreams);
    const base = rng.bool(0.7) ? rng.pick(s.frames) : rng.bytes(rng.range(0, 70));
    return { report: toHex(rng.bool(0.8) ? mutateBytes(rng, base, 80) : base) };
  },
  run({ report }) {
    const bytes = fromHex(report);
    const p = parsePacket(bytes);
    check(p.cid === new DataView(bytes.buffer).getUint32(0), 'cid must be the first four bytes');
    if (p.kind === 'init') check(p.data.length === bytes.length - 7 && (p.cmd & 0x80) !== 0, 'init packet data/cmd');
    else check(p.data.length === bytes.length - 5 && p.seq < 0x80, 'continuation data/seq');
  },
});

const assemblerTarget = target<StreamInput>({
  name: 'framing.MessageAssembler',
  weight: 12,
  generate(rng) {
    const s = rng.pick(frameStreams);
    const cid = s.cid;
    const frames = rng.bool(0.9) ? mutateFrames(rng, s.frames, cid) : Array.from({ length: rng.range(1, 6) }, () => withCid(rng.bytes(64), cid));
    return { cid, reports: frames.map(toHex) };
  },
  run({ cid, reports }) {
    const a = new MessageAssembler(cid);
    let bcnt = -1;
    for (const hex of reports) {
      const r = fromHex(hex);
      let out: ReturnType<MessageAssembler['push']>;
      try {
        out = a.push(r);
      } catch (e) {
        a.reset();
        bcnt = -1;
        if (e instanceof InvariantViolation) throw e;
        // A typed error for this frame; the assembler must be usable for the next one.
        if (!(e instanceof Error && 'code' in e)) throw e;
        continue;
      }
      if (r.length >= 7 && r[4]! & 0x80 && new DataView(r.buffer).getUint32(0) === cid) bcnt = new DataView(r.buffer).getUint16(5);
      if (out === 'ignored') {
        check(new DataView(r.buffer).getUint32(0) !== cid, 'a frame on our channel was ignored');
      } else if (out) {
        check(out.cid === cid, 'message on a foreign channel');
        check(out.payload.length === bcnt, `payload length ${out.payload.length} != bcnt ${bcnt}`);
        check(out.payload.length <= MAX_MESSAGE_SIZE, 'oversized message');
        bcnt = -1;
      }
    }
  },
});

const roundTripTarget = target<{ cid: number; cmd: number; length: number; seed: number }>({
  name: 'framing.fragment-roundtrip',
  weight: 2,
  generate(rng) {
    const length = rng.pick([0, 1, 56, 57, 58, 115, 116, 117, 175, 176, 7550, 7551, 7608, 7609, 7610, 8000, rng.int(2000), rng.int(7700)]);
    return { cid: rng.u32(), cmd: rng.int(256), length, seed: rng.u32() };
  },
  run({ cid, cmd, length, seed }) {
    const payload = new Uint8Array(length).map((_, i) => (seed + i * 131) & 0xff);
    let reports: Uint8Array[];
    try {
      reports = fragment(cid, cmd, payload);
    } catch (e) {
      check(e instanceof MessageTooLargeError && length > MAX_MESSAGE_SIZE, 'fragment refused a legal size');
      return;
    }
    check(length <= MAX_MESSAGE_SIZE, 'fragment accepted an oversized payload');
    check(reports.length === 1 + Math.max(0, Math.ceil((length - 57) / 59)), 'wrong number of reports');
    check(reports.every((r) => r.length === REPORT_SIZE), 'report not 64 bytes');
    const a = new MessageAssembler(cid >>> 0);
    let msg: ReturnType<MessageAssembler['push']>;
    for (const r of reports) msg = a.push(r);
    check(msg! && msg !== 'ignored', 'round trip did not complete');
    const m = msg as { payload: Uint8Array; cmd: number };
    check(m.cmd === (cmd | 0x80) && m.payload.length === length && m.payload.every((b, i) => b === payload[i]), 'round trip changed the message');
  },
});

const initResponseTarget = target<BytesInput>({
  name: 'framing.parseInitResponse',
  weight: 2,
  generate(rng) {
    return { bytes: toHex(mutateBytes(rng, initPayload, 40)) };
  },
  run({ bytes }) {
    const r = parseInitResponse(fromHex(bytes));
    const back = encodeInitResponse({ ...r, capabilities: r.capabilities.raw });
    check(toHex(back) === bytes.slice(0, 34), 'INIT response does not round-trip');
  },
});

const decodeCborTarget = target<BytesInput>({
  name: 'cbor.decodeCbor',
  weight: 14,
  generate(rng) {
    if (rng.bool(0.4)) return { bytes: toHex(rawItem(rng, 4)) };
    const b = rng.pick(cborBodies).payload.subarray(1);
    return { bytes: toHex(mutateBytes(rng, b.length ? b : Uint8Array.of(0xa0), 2048)) };
  },
  run({ bytes }) {
    decodeCbor(fromHex(bytes));
  },
});

const decodeResponseTarget = target<ResponseInput>({
  name: 'ctap2.decodeResponse',
  weight: 6,
  generate(rng) {
    return { command: rng.pick([0x01, 0x02, 0x04, 0x06, 0x07, 0x0a, 0x0b, 0x0d, 0x41, rng.int(256)]), payload: toHex(mutateBody(rng, rng.pick(cborBodies).payload, 0.05)) };
  },
  run({ command, payload }) {
    const m = decodeResponse(command, fromHex(payload));
    check(m === undefined || m instanceof Map, 'decodeResponse must give a Map or undefined');
  },
});

const getInfoTarget = target<BytesInput>({
  name: 'ctap2.parseGetInfo',
  weight: 14,
  generate(rng) {
    const base = rng.pick(getInfoMaps);
    if (rng.bool(0.75)) return { bytes: toHex(mutateMap(rng, base)) };
    return { bytes: toHex(mutateBytes(rng, body('WIREDATA_CTAP_CBOR_INFO', rng.int(2)).subarray(1), 2048)) };
  },
  run({ bytes }) {
    const info = parseGetInfo(expectMap(decodeCbor(fromHex(bytes)), 'getInfo'));
    checkInfoShape(info);
  },
});

const makeCredentialTarget = target<BytesInput>({
  name: 'ctap2.parseMakeCredentialResponse',
  weight: 3,
  generate(rng) {
    return { bytes: toHex(rng.bool(0.7) ? mutateMap(rng, mapOf('WIREDATA_CTAP_CBOR_CRED')) : mutateBytes(rng, body('WIREDATA_CTAP_CBOR_CRED').subarray(1), 2048)) };
  },
  run({ bytes }) {
    const r = parseMakeCredentialResponse(expectMap(decodeCbor(fromHex(bytes)), 'makeCredential'));
    check(typeof r.fmt === 'string' && r.authData instanceof Uint8Array && r.attStmt instanceof Map, 'makeCredential response shape');
  },
});

const getAssertionTarget = target<BytesInput>({
  name: 'ctap2.parseGetAssertionResponse',
  weight: 3,
  generate(rng) {
    return { bytes: toHex(rng.bool(0.7) ? mutateMap(rng, mapOf('WIREDATA_CTAP_CBOR_ASSERT')) : mutateBytes(rng, body('WIREDATA_CTAP_CBOR_ASSERT').subarray(1), 2048)) };
  },
  run({ bytes }) {
    const r = parseGetAssertionResponse(expectMap(decodeCbor(fromHex(bytes)), 'getAssertion'));
    check(r.authData instanceof Uint8Array && r.signature instanceof Uint8Array, 'getAssertion response shape');
    check(r.numberOfCredentials === undefined || isUint(r.numberOfCredentials), `numberOfCredentials must be an unsigned integer, got ${describe(r.numberOfCredentials)}`);
  },
});

// ---------- CtapHidDevice over a scripted connection ----------

const DEVICE_OPTS = { timeoutMs: 200, callTimeoutMs: 200, pollMs: 5, cancelGraceMs: 5, busyRetryDelaysMs: [0, 0, 0] };

const deviceTarget = target<DeviceInput>({
  name: 'ctaphid.CtapHidDevice',
  weight: 10,
  generate(rng) {
    const nonce = rng.bytes(8);
    const initBody = Uint8Array.from(initPayload);
    initBody.set(nonce, 0);
    let init = fragment(BROADCAST_CID, CtapHidCmd.INIT, initBody);
    if (rng.bool(0.1)) init = mutateFrames(rng, init, BROADCAST_CID);
    if (rng.bool(0.1)) init = [withCid(fragment(BROADCAST_CID, CtapHidCmd.INIT, rng.bytes(17))[0]!, BROADCAST_CID), ...init]; // another host's answer first
    const s = rng.pick(frameStreams.filter((f) => f.cid !== BROADCAST_CID));
    // Replay on our channel, as libfido2's fuzzers rewrite channel ids.
    let reports = s.frames.map((f) => withCid(f, RECORDED_CID));
    if (rng.bool(0.85)) reports = mutateFrames(rng, reports, RECORDED_CID);
    if (rng.bool(0.2)) reports.unshift(control(RECORDED_CID, 0xbf, 0x06)); // CHANNEL_BUSY first
    // Usually the command the recorded answer belongs to, sometimes another one.
    const answers = s.frames[0]!.length > 4 ? s.frames[0]![4]! : CtapHidCmd.CBOR;
    const cmd = rng.bool(0.8) && answers & 0x80 && answers !== CtapHidCmd.KEEPALIVE ? answers : rng.pick([CtapHidCmd.CBOR, CtapHidCmd.MSG, CtapHidCmd.PING, CtapHidCmd.WINK]);
    return { nonce: toHex(nonce), init: init.map(toHex), reports: reports.map(toHex), cmd, payloadLength: rng.pick([1, 60, 200]) };
  },
  async run({ nonce, init, reports, cmd, payloadLength }) {
    // INIT answer, a quiet read, the fuzzed answer, a quiet read (ends the drain), a PING echo.
    const ping = fragment(RECORDED_CID, CtapHidCmd.PING, Uint8Array.of(1));
    const conn = new ScriptedConnection([...init.map(fromHex), null, ...reports.map(fromHex), null, ...ping]);
    const device = await CtapHidDevice.open(conn, { ...DEVICE_OPTS, nonce: fromHex(nonce) });
    check(device.channel !== BROADCAST_CID && device.channel !== 0, 'invalid channel accepted');
    const payload = new Uint8Array(payloadLength).fill(0x04);
    const first = device.call(cmd, payload, { timeoutMs: 200 }).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    // A second, concurrent call must be refused at once without touching the wire.
    let busy: unknown;
    try {
      await device.call(cmd, payload, { timeoutMs: 200 });
    } catch (e) {
      busy = e;
    }
    check(busy instanceof DeviceBusyError, `second concurrent call was not refused as busy: ${String(busy)}`);
    const settled = await first;
    if ('error' in settled) throw settled.error;
    const result = settled.value;
    check(result instanceof Uint8Array && result.length <= MAX_MESSAGE_SIZE, 'call result');
    // Every report written is 64 bytes, and after INIT only on our channel.
    for (const [i, w] of conn.written.entries()) {
      check(w.length === REPORT_SIZE, 'host wrote a report that is not 64 bytes');
      if (i > 0) check(new DataView(w.buffer).getUint32(0) === device.channel, 'host wrote on a foreign channel');
    }
    // The next call drains leftovers and either works or fails typed.
    await device.call(CtapHidCmd.PING, Uint8Array.of(1), { timeoutMs: 100 });
  },
});

// ---------- CTAP2 commands over a device double ----------

type Op = { info: InfoName[]; bodies: (rng: Rng) => Uint8Array[]; run: (ctap2: Ctap2) => Promise<unknown> };

const TOKEN = (v: 1 | 2) => new PinUvAuthToken(v === 2 ? new PinUvAuthProtocolTwo() : new PinUvAuthProtocolOne(), new Uint8Array(32).fill(7), 0x04);
const seq = (...names: [string, number?][]) => (rng: Rng) => names.map(([n, i]) => mutateBody(rng, body(n, i ?? 0)));
const status = () => (rng: Rng) => [mutateBody(rng, Uint8Array.of(0), 0.4)];
const ANY: InfoName[] = ['ctap21', 'pre'];
const PIN = 'Zq7#fuzz-1';

const OPS: Record<string, Op> = {
  getPinRetries: { info: ANY, bodies: seq(['WIREDATA_CTAP_CBOR_RETRIES']), run: (c) => new ClientPin(c).getPinRetries() },
  getUvRetries: { info: ANY, bodies: seq(['WIREDATA_CTAP_CBOR_RETRIES']), run: (c) => new ClientPin(c).getUvRetries() },
  getKeyAgreement: { info: ANY, bodies: seq(['WIREDATA_CTAP_CBOR_AUTHKEY']), run: (c) => new ClientPin(c).getKeyAgreement() },
  setPin: { info: ANY, bodies: seq(['WIREDATA_CTAP_CBOR_AUTHKEY'], ['WIREDATA_CTAP_CBOR_STATUS']), run: (c) => new ClientPin(c).setPin(PIN) },
  changePin: { info: ANY, bodies: seq(['WIREDATA_CTAP_CBOR_AUTHKEY'], ['WIREDATA_CTAP_CBOR_STATUS']), run: (c) => new ClientPin(c).changePin(PIN, `${PIN}-new`) },
  getPinToken: { info: ANY, bodies: seq(['WIREDATA_CTAP_CBOR_AUTHKEY'], ['WIREDATA_CTAP_CBOR_PINTOKEN']), run: async (c) => (await new ClientPin(c).getPinToken(PIN)).destroy() },
  getTokenWithPermissions: {
    info: ['ctap21'],
    bodies: seq(['WIREDATA_CTAP_CBOR_AUTHKEY'], ['WIREDATA_CTAP_CBOR_PINTOKEN']),
    run: async (c) => (await new ClientPin(c, new PinUvAuthProtocolOne()).getPinUvAuthTokenUsingPinWithPermissions(PIN, 0x04)).destroy(),
  },
  credsMetadata: { info: ANY, bodies: seq(['WIREDATA_CTAP_CBOR_CREDMAN_META']), run: (c) => new CredentialManagement(c, TOKEN(2)).getMetadata() },
  enumerateRps: {
    info: ANY,
    bodies: seq(['WIREDATA_CTAP_CBOR_CREDMAN_RPLIST', 0], ['WIREDATA_CTAP_CBOR_CREDMAN_RPLIST', 1], ['WIREDATA_CTAP_CBOR_CREDMAN_RPLIST', 2]),
    run: async (c) => {
      const rps = await new CredentialManagement(c, TOKEN(2)).enumerateRps();
      for (const rp of rps) check(typeof rp.rp.id === 'string' && rp.rpIdHash.length === 32, 'rp entry shape');
    },
  },
  enumerateCredentials: {
    info: ANY,
    bodies: seq(...[0, 1, 2, 3, 4].map((i) => ['WIREDATA_CTAP_CBOR_CREDMAN_RKLIST', i] as [string, number])),
    run: async (c) => {
      const creds = await new CredentialManagement(c, TOKEN(1)).enumerateCredentials(new Uint8Array(32));
      for (const cr of creds) check(cr.user.id instanceof Uint8Array && cr.credentialId.id instanceof Uint8Array, 'credential entry shape');
    },
  },
  deleteCredential: {
    info: ANY,
    bodies: status(),
    run: (c) => new CredentialManagement(c, TOKEN(2)).deleteCredential({ type: 'public-key', id: new Uint8Array(16) }),
  },
  toggleAlwaysUv: { info: ['ctap21'], bodies: status(), run: (c) => new AuthenticatorConfig(c, TOKEN(2)).toggleAlwaysUv() },
  setMinPinLength: {
    info: ['ctap21'],
    bodies: status(),
    run: (c) => new AuthenticatorConfig(c, TOKEN(2)).setMinPinLength({ newMinPINLength: 8, minPinLengthRPIDs: ['example.com'], forceChangePin: true }),
  },
  reset: { info: ANY, bodies: status(), run: (c) => reset(c, { timeoutMs: 100 }) },
  selection: { info: ['ctap21', 'ctap20'], bodies: status(), run: (c) => selection(c) },
  getInfo: {
    info: ANY,
    bodies: seq(['WIREDATA_CTAP_CBOR_INFO', 0]),
    run: async (c) => checkInfoShape(await c.refreshInfo()),
  },
};

const commandTarget = target<CommandInput>({
  name: 'ctap2.commands',
  weight: 24,
  generate(rng) {
    const op = rng.pick(Object.keys(OPS));
    const spec = OPS[op]!;
    const bodies = spec.bodies(rng);
    if (rng.bool(0.1)) bodies.splice(rng.int(bodies.length + 1), 1); // the key stops answering
    return { op, info: rng.pick(spec.info), bodies: bodies.map(toHex) };
  },
  async run({ op, info, bodies }) {
    const device = new ScriptedCborDevice(bodies.map(fromHex));
    const ctap2 = new Ctap2(device.asDevice(), structuredClone(INFOS[info]));
    await OPS[op]!.run(ctap2);
  },
});

/** Every target, for the full run. */
export const targets: FuzzTarget<unknown>[] = [
  parsePacketTarget,
  assemblerTarget,
  roundTripTarget,
  initResponseTarget,
  decodeCborTarget,
  decodeResponseTarget,
  getInfoTarget,
  makeCredentialTarget,
  getAssertionTarget,
  deviceTarget,
  commandTarget,
];

export function targetByName(name: string): FuzzTarget<unknown> {
  const t = targets.find((x) => x.name === name);
  if (!t) throw new Error(`No fuzz target named ${name}`);
  return t;
}

/**
 * Replays libfido2's recorded device output (fuzz/regress wiredata, in the order of
 * sequences.json) through a scripted connection, and checks what the engine writes back.
 */
import { createCipheriv, createDecipheriv, createECDH, createHash, createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeCbor } from '../../../src/cbor.js';
import { ClientPin, Permission } from '../../../src/ctap2/client-pin.js';
import { Ctap2 } from '../../../src/ctap2/ctap2.js';
import { CredentialManagement } from '../../../src/ctap2/credential-management.js';
import { makeCredential } from '../../../src/ctap2/make-credential.js';
import { getAssertion } from '../../../src/ctap2/get-assertion.js';
import { reset } from '../../../src/ctap2/reset.js';
import { CtapHidDevice, type KeepaliveState } from '../../../src/ctaphid/device.js';
import { MessageAssembler } from '../../../src/ctaphid/framing.js';
import { InvalidCborError, ProtocolError, TimeoutError } from '../../../src/errors.js';
import type { EcPublicKey } from '../../../src/pin/cose-key.js';
import { EcdhKeyPair, PinUvAuthProtocolOne, PinUvAuthProtocolTwo } from '../../../src/pin/protocol.js';
import { ScriptedConnection, cidOf } from './helpers/fake-connection.js';
import { type WireEntry, frames, fromJsonCbor, hex, loadVector, toHex, wire } from './helpers/vectors.js';

const CID = 0x00220002; // the INIT answer's channel; every recorded frame is replayed on it
const RECORDED_NONCE = hex('80435640b14ed92d');
const PLATFORM_SCALAR = hex(loadVector('pin-protocol/pin_uv_auth_vectors.json').common_ecdh.platform_private_key_scalar);
const sequences = loadVector('libfido2/sequences.json').sequences;

/** Protocols with the platform key (and IV) pinned so the test can recompute every blob. */
class PinnedOne extends PinUvAuthProtocolOne {
  override encapsulate(peer: EcPublicKey) {
    return super.encapsulate(peer, new EcdhKeyPair(PLATFORM_SCALAR));
  }
}
class PinnedTwo extends PinUvAuthProtocolTwo {
  override encapsulate(peer: EcPublicKey) {
    return super.encapsulate(peer, new EcdhKeyPair(PLATFORM_SCALAR));
  }
  override encrypt(key: Uint8Array, pt: Uint8Array) {
    return super.encrypt(key, pt, hex('000102030405060708090a0b0c0d0e0f'));
  }
}

/**
 * Feeds recorded answers: INIT when the host sends INIT; then, for each completed host request,
 * the next recorded entry (plus any KEEPALIVE entries in front of it). Records host requests.
 */
/**
 * Some recordings hold several answers in one entry (an RP list: begin, then each getNext). A key
 * sends each answer only after its request, so the replay hands them out one message at a time.
 */
function perMessage(entry: WireEntry): WireEntry[] {
  const list = entry.frames_padded64 ?? entry.frames;
  const groups: string[][] = [];
  for (const h of list) {
    const isInit = (parseInt(h.slice(8, 10), 16) & 0x80) !== 0;
    if (isInit || groups.length === 0) groups.push([h]);
    else groups[groups.length - 1]!.push(h);
  }
  if (groups.length <= 1) return [entry];
  return groups.map((g) => ({ ...entry, frames: g, frames_padded64: undefined }) as WireEntry);
}

class Replay {
  readonly conn: ScriptedConnection;
  readonly requests: { cid: number; cmd: number; payload: Uint8Array }[] = [];
  private readonly queue: WireEntry[];
  private partial: { cid: number; cmd: number; bcnt: number; data: number[] } | null = null;

  constructor(names: (string | WireEntry)[]) {
    this.queue = names.flatMap((n) => perMessage(typeof n === 'string' ? wire(n) : n));
    this.conn = new ScriptedConnection((r) => this.onWrite(r));
  }

  get remaining(): number {
    return this.queue.length;
  }

  private onWrite(r: Uint8Array): void {
    if (r[4]! & 0x80) this.partial = { cid: cidOf(r), cmd: r[4]!, bcnt: (r[5]! << 8) | r[6]!, data: [...r.subarray(7)] };
    else this.partial?.data.push(...r.subarray(5));
    if (!this.partial || this.partial.data.length < this.partial.bcnt) return;
    this.requests.push({ cid: this.partial.cid, cmd: this.partial.cmd, payload: Uint8Array.from(this.partial.data.slice(0, this.partial.bcnt)) });
    this.partial = null;
    for (;;) {
      const entry = this.queue.shift();
      if (!entry) return;
      // The INIT answer stays on the broadcast channel; everything else is moved to ours.
      this.conn.push(...frames(entry, entry.name === 'WIREDATA_CTAP_INIT' ? undefined : CID));
      if (entry.name !== 'WIREDATA_CTAP_KEEPALIVE') return;
    }
  }

  /** The CTAP2 requests (command byte + decoded CBOR) after INIT. */
  cbor(i: number): { command: number; params?: Map<any, any> } {
    const p = this.requests.filter((r) => r.cmd === 0x90)[i]!.payload;
    return p.length > 1 ? { command: p[0]!, params: decodeCbor(p.subarray(1)) as Map<any, any> } : { command: p[0]! };
  }

  async open(): Promise<Ctap2> {
    const dev = await CtapHidDevice.open(this.conn, { nonce: RECORDED_NONCE, pollMs: 20, cancelGraceMs: 50 });
    return Ctap2.open(dev);
  }
}

// Independent recomputation of the PIN protocol crypto with node:crypto, for checking what we sent.
const AUTHKEY = fromJsonCbor(wire('WIREDATA_CTAP_CBOR_AUTHKEY').messages[0]!.cbor_decoded) as Map<number, Map<number, Uint8Array>>;
const DEVICE_X = AUTHKEY.get(1)!.get(-2)!;
const DEVICE_Y = AUTHKEY.get(1)!.get(-3)!;
function sharedZ(): Buffer {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(PLATFORM_SCALAR));
  return ecdh.computeSecret(Buffer.concat([Buffer.of(4), DEVICE_X, DEVICE_Y]));
}
const v1Secret = () => createHash('sha256').update(sharedZ()).digest();
const v2Hmac = () => Buffer.from(hkdfSync('sha256', sharedZ(), Buffer.alloc(32), 'CTAP2 HMAC key', 32));
const v2Aes = () => Buffer.from(hkdfSync('sha256', sharedZ(), Buffer.alloc(32), 'CTAP2 AES key', 32));
const aesDecrypt = (key: Buffer, iv: Buffer, ct: Uint8Array) => {
  const d = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
  return Buffer.concat([d.update(ct), d.final()]);
};
const hmac = (key: Uint8Array, msg: Uint8Array) => createHmac('sha256', key).update(msg).digest();
const sha16 = (s: string) => createHash('sha256').update(s).digest().subarray(0, 16);

function seq(harness: string, name: string): string[] {
  const s = sequences[harness][name];
  if (!s) throw new Error(`no sequence ${harness} ${name}`);
  return s;
}

describe('libfido2 wiredata replay', () => {
  it('INIT then getInfo: exact request frames, channel, decoded info', async () => {
    const replay = new Replay(seq('fuzz/fuzz_mgmt.c', 'get_cbor_info'));
    const ctap2 = await replay.open();
    const w = replay.conn.writes;
    expect(toHex(w[0]!)).toBe('ffffffff860008' + '80435640b14ed92d' + '00'.repeat(49));
    expect(toHex(w[1]!)).toBe('00220002' + '90000104' + '00'.repeat(56));
    expect(ctap2.device.channel).toBe(CID);
    expect(ctap2.device.init.capabilities).toEqual({ wink: true, cbor: true, nmsg: false, raw: 5 });
    expect(ctap2.info.versions).toContain('FIDO_2_1');
    expect(ctap2.info.maxMsgSize).toBe(1536);
    // The sequence feeds getInfo twice.
    const again = await ctap2.refreshInfo();
    expect(again.aaguidString).toBe('f8a011f3-8c0a-4d15-8006-17111f9edc7d');
    expect(replay.remaining).toBe(0);
  });

  it('reset: three KEEPALIVE(UPNEEDED) frames are reported and skipped, then the status', async () => {
    const replay = new Replay(seq('fuzz/fuzz_mgmt.c', 'reset'));
    const ctap2 = await replay.open();
    const seen: KeepaliveState[] = [];
    await reset(ctap2, { onKeepalive: (s) => seen.push(s) });
    expect(seen).toEqual(['up-needed', 'up-needed', 'up-needed']);
    expect(replay.cbor(1)).toEqual({ command: 0x07 });
  });

  it('getPinRetries / getUvRetries', async () => {
    const replay = new Replay([...seq('fuzz/fuzz_mgmt.c', 'get_retry_count / get_uv_retry_count'), 'WIREDATA_CTAP_CBOR_RETRIES']);
    const ctap2 = await replay.open();
    const pin = new ClientPin(ctap2);
    expect(pin.protocol.version).toBe(2); // key lists [2, 1]
    expect(await pin.getPinRetries()).toEqual({ retries: 8 });
    const req = replay.requests.filter((r) => r.cmd === 0x90)[1]!.payload;
    expect(toHex(req)).toBe('06a2010202' + '01');
    // The recorded answer has pinRetries only; as a getUVRetries answer it lacks uvRetries.
    await expect(pin.getUvRetries()).rejects.toBeInstanceOf(InvalidCborError);
    expect(replay.cbor(2).params).toEqual(new Map([[1, 2], [2, 7]]));
  });

  it('setPin over protocol two: key agreement request and blobs the key can verify', async () => {
    const replay = new Replay(seq('fuzz/fuzz_mgmt.c', 'set_pin'));
    const ctap2 = await replay.open();
    await new ClientPin(ctap2, new PinnedTwo()).setPin('1234');
    expect(toHex(replay.requests.filter((r) => r.cmd === 0x90)[1]!.payload)).toBe('06a2010202' + '02');
    const { command, params } = replay.cbor(2);
    expect(command).toBe(0x06);
    expect([...params!.keys()]).toEqual([1, 2, 3, 4, 5]);
    expect(params!.get(1)).toBe(2);
    expect(params!.get(2)).toBe(3);
    const platform = new EcdhKeyPair(PLATFORM_SCALAR).publicKey;
    const cose: Map<number, unknown> = params!.get(3);
    expect([...cose.keys()]).toEqual([1, 3, -1, -2, -3]);
    expect([cose.get(1), cose.get(3), cose.get(-1)]).toEqual([2, -25, 1]);
    expect(toHex(cose.get(-2) as Uint8Array)).toBe(toHex(platform.x));
    expect(toHex(cose.get(-3) as Uint8Array)).toBe(toHex(platform.y));
    const newPinEnc: Uint8Array = params!.get(5);
    expect(newPinEnc).toHaveLength(80);
    const plain = aesDecrypt(v2Aes(), Buffer.from(newPinEnc.subarray(0, 16)), newPinEnc.subarray(16));
    expect(plain.toString('hex')).toBe(Buffer.from('1234').toString('hex') + '00'.repeat(60));
    expect(toHex(params!.get(4))).toBe(toHex(hmac(v2Hmac(), newPinEnc)));
  });

  it('changePin over protocol one: pinHashEnc and pinUvAuthParam over newPinEnc || pinHashEnc', async () => {
    const replay = new Replay(seq('fuzz/fuzz_mgmt.c', 'change_pin'));
    const ctap2 = await replay.open();
    await new ClientPin(ctap2, new PinnedOne()).changePin('1234', '987654');
    const { params } = replay.cbor(2);
    expect(params!.get(1)).toBe(1);
    expect(params!.get(2)).toBe(4);
    const key = v1Secret();
    const zero = Buffer.alloc(16);
    expect(aesDecrypt(key, zero, params!.get(6)).toString('hex')).toBe(sha16('1234').toString('hex'));
    expect(aesDecrypt(key, zero, params!.get(5)).toString('hex')).toBe(Buffer.from('987654').toString('hex') + '00'.repeat(58));
    const expected = hmac(key, Buffer.concat([params!.get(5), params!.get(6)])).subarray(0, 16);
    expect(toHex(params!.get(4))).toBe(toHex(expected));
  });

  it('PIN token (0x09 with permissions) then credential metadata with a verifiable pinUvAuthParam', async () => {
    const replay = new Replay(seq('fuzz/fuzz_credman.c', 'metadata'));
    const ctap2 = await replay.open();
    const token = await new ClientPin(ctap2, new PinnedOne()).getToken('1234', Permission.CM);
    const tokenReq = replay.cbor(2).params!;
    expect(tokenReq.get(2)).toBe(0x09);
    expect(tokenReq.get(9)).toBe(Permission.CM);
    expect(aesDecrypt(v1Secret(), Buffer.alloc(16), tokenReq.get(6)).toString('hex')).toBe(sha16('1234').toString('hex'));
    const recorded = fromJsonCbor(wire('WIREDATA_CTAP_CBOR_PINTOKEN').messages[0]!.cbor_decoded) as Map<number, Uint8Array>;
    const plainToken = aesDecrypt(v1Secret(), Buffer.alloc(16), recorded.get(2)!);
    expect(toHex(token.token)).toBe(plainToken.toString('hex'));

    const cm = new CredentialManagement(ctap2, token);
    expect(cm.command).toBe(0x0a);
    expect(await cm.getMetadata()).toEqual({ existingResidentCredentialsCount: 0, maxPossibleRemainingResidentCredentialsCount: 25 });
    const { command, params } = replay.cbor(3);
    expect(command).toBe(0x0a);
    expect([...params!.keys()]).toEqual([1, 3, 4]);
    expect([params!.get(1), params!.get(3)]).toEqual([1, 1]);
    expect(toHex(params!.get(4))).toBe(toHex(hmac(plainToken, Uint8Array.of(1)).subarray(0, 16)));
    token.destroy();
    expect(token.token.every((b) => b === 0)).toBe(true);
  });

  it('a 16-byte token is refused under protocol two', async () => {
    const replay = new Replay(seq('fuzz/fuzz_credman.c', 'metadata'));
    const ctap2 = await replay.open();
    await expect(new ClientPin(ctap2, new PinnedTwo()).getPinToken('1234')).rejects.toBeInstanceOf(ProtocolError);
  });

  it('RP list: begin + two getNext, hashes match the ids', async () => {
    const replay = new Replay(seq('fuzz/fuzz_credman.c', 'rp list'));
    const ctap2 = await replay.open();
    const token = await new ClientPin(ctap2, new PinnedOne()).getPinToken('1234');
    const rps = await new CredentialManagement(ctap2, token).enumerateRps();
    expect(rps.map((r) => r.rp.id)).toEqual(['yubico.com', 'yubikey.org', 'webauthn.dev']);
    for (const r of rps) expect(toHex(r.rpIdHash)).toBe(createHash('sha256').update(r.rp.id).digest('hex'));
    expect(replay.cbor(3).params!.get(1)).toBe(2);
    expect(replay.cbor(4).params).toEqual(new Map([[1, 3]])); // getNext: no auth
    expect(replay.cbor(5).params).toEqual(new Map([[1, 3]]));
  });

  it('credential list: begin (authenticated over subCommand || canonical params) + four getNext', async () => {
    const replay = new Replay(seq('fuzz/fuzz_credman.c', 'rk list'));
    const ctap2 = await replay.open();
    const token = await new ClientPin(ctap2, new PinnedOne()).getPinToken('1234');
    const rpIdHash = createHash('sha256').update('yubico.com').digest();
    const creds = await new CredentialManagement(ctap2, token).enumerateCredentials(rpIdHash);
    expect(creds).toHaveLength(5);
    expect(creds.every((c) => c.user.name === 'bob banana' && c.user.displayName === 'bbanana' && c.credProtect === 1)).toBe(true);
    expect(toHex(creds[0]!.credentialId.id)).toBe('19f7780ca0bcb9a6d51ed787fb6c8003');
    expect((creds[1]!.publicKey as Map<number, unknown>).get(3)).toBe(-8);
    const begin = replay.cbor(3).params!;
    expect(begin.get(1)).toBe(4);
    expect(begin.get(2)).toEqual(new Map([[1, new Uint8Array(rpIdHash)]]));
    const message = Buffer.concat([Buffer.of(0x04, 0xa1, 0x01, 0x58, 0x20), rpIdHash]);
    const recorded = fromJsonCbor(wire('WIREDATA_CTAP_CBOR_PINTOKEN').messages[0]!.cbor_decoded) as Map<number, Uint8Array>;
    const plainToken = aesDecrypt(v1Secret(), Buffer.alloc(16), recorded.get(2)!);
    expect(toHex(begin.get(4))).toBe(toHex(hmac(plainToken, message).subarray(0, 16)));
    expect([3, 4, 5, 6].map((i) => replay.cbor(i + 1).params!.get(1))).toEqual([5, 5, 5, 5]);
  });

  it('delete credential answers with a bare status', async () => {
    const replay = new Replay(seq('fuzz/fuzz_credman.c', 'delete rk'));
    const ctap2 = await replay.open();
    const token = await new ClientPin(ctap2, new PinnedOne()).getPinToken('1234');
    await new CredentialManagement(ctap2, token).deleteCredential({ type: 'public-key', id: Uint8Array.of(1, 2, 3) });
    const params = replay.cbor(3).params!;
    expect(params.get(1)).toBe(6);
    expect(params.get(2)).toEqual(new Map([[2, new Map<string, unknown>([['id', Uint8Array.of(1, 2, 3)], ['type', 'public-key']])]]));
  });

  it('makeCredential: keepalives while waiting for touch, then a 993-byte answer over 17 frames', async () => {
    const replay = new Replay(seq('fuzz/fuzz_cred.c', 'make_cred (fido2)'));
    const ctap2 = await replay.open();
    const token = await new ClientPin(ctap2, new PinnedOne()).getPinToken('1234');
    const seen: KeepaliveState[] = [];
    const clientDataHash = new Uint8Array(32).fill(7);
    const res = await makeCredential(
      ctap2,
      {
        clientDataHash,
        rp: { id: 'example.com' },
        user: { id: Uint8Array.of(1), name: 'u' },
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        pinUvAuthParam: token.authenticate(clientDataHash),
        pinUvAuthProtocol: 1,
      },
      { onKeepalive: (s) => seen.push(s) },
    );
    expect(seen).toEqual(['up-needed', 'up-needed', 'up-needed']);
    expect(res.fmt).toBe('packed');
    expect(res.authData.length).toBeGreaterThan(37);
    expect(res.attStmt.get('alg')).toBe(-7);
  });

  it('getAssertion answer whose continuation frames were recorded on another channel (rewritten)', async () => {
    const replay = new Replay(seq('fuzz/fuzz_assert.c', 'get_assert (fido2)'));
    const ctap2 = await replay.open();
    await new ClientPin(ctap2, new PinnedOne()).getPinToken('1234');
    const res = await getAssertion(ctap2, { rpId: 'example.com', clientDataHash: new Uint8Array(32) });
    expect(res.credential?.type).toBe('public-key');
    expect(res.authData).toHaveLength(37);
    expect(res.signature[0]).toBe(0x30);
  });
});

describe('historical libfido2 wiredata', () => {
  const HIST = 'libfido2/historical_wiredata.json';

  it('a CTAP 2.1-PRE key (getInfo over 4 frames) gets credential management as command 0x41', async () => {
    const replay = new Replay([
      'WIREDATA_CTAP_INIT',
      wire('WIREDATA_CTAP_CBOR_INFO', HIST),
      'WIREDATA_CTAP_CBOR_AUTHKEY',
      'WIREDATA_CTAP_CBOR_PINTOKEN',
      'WIREDATA_CTAP_CBOR_CREDMAN_META',
    ]);
    const ctap2 = await replay.open();
    expect(ctap2.info.versions).toEqual(['U2F_V2', 'FIDO_2_0', 'FIDO_2_1_PRE']);
    expect(ctap2.info.maxMsgSize).toBe(1200);
    const pin = new ClientPin(ctap2);
    expect(pin.protocol.version).toBe(1);
    const token = await pin.getToken('1234', Permission.CM); // no pinUvAuthToken option: getPinToken 0x05
    const tokenReq = replay.cbor(2).params!;
    expect(tokenReq.get(2)).toBe(0x05);
    expect(tokenReq.has(9)).toBe(false);
    const cm = new CredentialManagement(ctap2, token);
    expect(cm.command).toBe(0x41);
    expect(await cm.getMetadata()).toEqual({ existingResidentCredentialsCount: 0, maxPossibleRemainingResidentCredentialsCount: 25 });
    expect(replay.cbor(3).command).toBe(0x41);
  });

  it('the reset reply decodes as a bare success', async () => {
    const asm = new MessageAssembler(CID);
    const msg = asm.push(frames(wire('WIREDATA_CTAP_CBOR_RESET', HIST))[0]!);
    expect(msg).toMatchObject({ cmd: 0x90, payload: Uint8Array.of(0) });
  });

  it('a continuation frame from a foreign channel is never appended', async () => {
    const [init, foreign] = frames(wire('WIREDATA_CTAP_CBOR_AUTHKEY', HIST));
    expect(cidOf(foreign!)).toBe(0x00220003);
    const asm = new MessageAssembler(CID);
    expect(asm.push(init!)).toBeUndefined();
    expect(asm.push(foreign!)).toBe('ignored');
    // Only the same bytes on our channel complete the message.
    const fixed = Uint8Array.from(foreign!);
    new DataView(fixed.buffer).setUint32(0, CID);
    const msg = asm.push(fixed);
    expect(msg && msg !== 'ignored' ? toHex(msg.payload) : '').toBe(wire('WIREDATA_CTAP_CBOR_AUTHKEY', HIST).messages[0]!.payload);
  });

  it('through the device: the foreign frame leaves the answer incomplete (timeout), never a wrong key', async () => {
    const [init, foreign] = frames(wire('WIREDATA_CTAP_CBOR_AUTHKEY', HIST));
    const answers: Uint8Array[][] = [frames(wire('WIREDATA_CTAP_INIT')), frames(wire('WIREDATA_CTAP_CBOR_INFO')), [init!, foreign!]];
    const conn = new ScriptedConnection((r) => {
      const next = answers.shift();
      if (next) conn.push(...next);
    });
    const dev = await CtapHidDevice.open(conn, { nonce: RECORDED_NONCE, pollMs: 20, cancelGraceMs: 30 });
    const pin = new ClientPin(await Ctap2.open(dev));
    await expect(pin.getKeyAgreement({ timeoutMs: 150 })).rejects.toBeInstanceOf(TimeoutError);
  });
});

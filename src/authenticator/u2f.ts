/**
 * CTAPHID_MSG: U2F raw messages (FIDO U2F Raw Message Formats §3-§5, ISO 7816-4 APDUs, carried by
 * CTAP 2.1 §11.2.9.1.1). VERSION, REGISTER and AUTHENTICATE; key handles are the same wrapped
 * credential ids as CTAP2 non-discoverable credentials, bound to the application parameter.
 * U2F does not wait for a touch: without one it answers SW_CONDITIONS_NOT_SATISFIED at once and
 * the host asks again, so a touch made in between is remembered for the next request.
 */
import { createSign } from 'node:crypto';
import { type AttestationIdentity, createAttestationIdentity } from './attestation-certificate.js';
import { es256FromScalar, fromB64url, generateEs256, signEs256, unwrapCredentialId, wrapCredentialId } from './credential-crypto.js';
import type { UserPresence } from './presence.js';
import type { PersistentState } from './state-store.js';

/** ISO 7816 status words used by U2F. */
export const StatusWord = {
  NO_ERROR: 0x9000,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  WRONG_DATA: 0x6a80,
  WRONG_LENGTH: 0x6700,
  CLA_NOT_SUPPORTED: 0x6e00,
  INS_NOT_SUPPORTED: 0x6d00,
} as const;

export const U2fIns = { REGISTER: 0x01, AUTHENTICATE: 0x02, VERSION: 0x03 } as const;

/** AUTHENTICATE control byte (P1). */
const Control = { CHECK_ONLY: 0x07, ENFORCE_UP: 0x03, DONT_ENFORCE_UP: 0x08 } as const;

/** A touch is kept this long for the host's next retry. */
const TOUCH_MEMORY_MS = 10_000;

export interface U2fContext {
  state: PersistentState;
  save(): void;
  presence: UserPresence;
  now(): number;
  productName: string;
}

interface Apdu {
  cla: number;
  ins: number;
  p1: number;
  data: Uint8Array;
}

/** The U2F side of the key. */
export class U2fApplet {
  private identity: AttestationIdentity | undefined;
  private touchedAt: number | undefined;
  private asking = false;

  constructor(private readonly ctx: () => U2fContext) {}

  handle(raw: Uint8Array): Uint8Array {
    const apdu = parseApdu(raw);
    if (!apdu) return sw(StatusWord.WRONG_LENGTH);
    if (apdu.cla !== 0x00) return sw(StatusWord.CLA_NOT_SUPPORTED);
    switch (apdu.ins) {
      case U2fIns.VERSION:
        if (apdu.data.length !== 0) return sw(StatusWord.WRONG_LENGTH);
        return withSw(new TextEncoder().encode('U2F_V2'));
      case U2fIns.REGISTER:
        return this.register(apdu);
      case U2fIns.AUTHENTICATE:
        return this.authenticate(apdu);
      default:
        return sw(StatusWord.INS_NOT_SUPPORTED);
    }
  }

  /** §4: register = 0x05 || pubkey || L || key handle || attestation cert || signature. */
  private register(apdu: Apdu): Uint8Array {
    if (apdu.data.length !== 64) return sw(StatusWord.WRONG_LENGTH);
    const challenge = apdu.data.subarray(0, 32);
    const application = apdu.data.subarray(32, 64);
    if (!this.takeTouch()) return sw(StatusWord.CONDITIONS_NOT_SATISFIED);
    const ctx = this.ctx();
    const key = generateEs256();
    const keyHandle = wrapCredentialId(fromB64url(ctx.state.wrapKey), application, key.d);
    const publicKey = new Uint8Array([0x04, ...key.x, ...key.y]);
    key.d.fill(0);
    this.identity ??= createAttestationIdentity(`${ctx.productName} U2F attestation`);
    const signed = new Uint8Array([0x00, ...application, ...challenge, ...keyHandle, ...publicKey]);
    const signature = new Uint8Array(createSign('sha256').update(signed).sign(this.identity.privateKey));
    return withSw(new Uint8Array([0x05, ...publicKey, keyHandle.length, ...keyHandle, ...this.identity.certificate, ...signature]));
  }

  /** §5: authenticate = user presence || counter || signature. */
  private authenticate(apdu: Apdu): Uint8Array {
    const d = apdu.data;
    if (d.length < 65 || d.length !== 65 + d[64]!) return sw(StatusWord.WRONG_LENGTH);
    const challenge = d.subarray(0, 32);
    const application = d.subarray(32, 64);
    const keyHandle = d.subarray(65);
    const ctx = this.ctx();
    const scalar = unwrapCredentialId(fromB64url(ctx.state.wrapKey), application, keyHandle);
    if (!scalar) return sw(StatusWord.WRONG_DATA);
    // check-only: "this key handle is mine" is reported as CONDITIONS_NOT_SATISFIED (§5.1).
    if (apdu.p1 === Control.CHECK_ONLY) return sw(StatusWord.CONDITIONS_NOT_SATISFIED);
    if (apdu.p1 !== Control.ENFORCE_UP && apdu.p1 !== Control.DONT_ENFORCE_UP) return sw(StatusWord.WRONG_DATA);
    const present = apdu.p1 === Control.ENFORCE_UP ? this.takeTouch() : false;
    if (apdu.p1 === Control.ENFORCE_UP && !present) return sw(StatusWord.CONDITIONS_NOT_SATISFIED);
    ctx.state.signCount++;
    ctx.save();
    const head = new Uint8Array(5);
    head[0] = present ? 0x01 : 0x00;
    new DataView(head.buffer).setUint32(1, ctx.state.signCount >>> 0);
    const key = es256FromScalar(scalar);
    const signature = signEs256(key, new Uint8Array([...application, ...head, ...challenge]));
    key.d.fill(0);
    return withSw(new Uint8Array([...head, ...signature]));
  }

  /** A touch now, or one remembered from the last request; otherwise start asking in the background. */
  private takeTouch(): boolean {
    const ctx = this.ctx();
    if (ctx.presence.currentPolicy.kind === 'approve') return true;
    if (this.touchedAt !== undefined && ctx.now() - this.touchedAt <= TOUCH_MEMORY_MS) {
      this.touchedAt = undefined;
      return true;
    }
    if (!this.asking) {
      this.asking = true;
      void ctx.presence.request().then((outcome) => {
        this.asking = false;
        if (outcome === 'approved') this.touchedAt = ctx.now();
      });
    }
    return false;
  }

  /** Power loss forgets a pending or remembered touch. */
  powerOff(): void {
    this.touchedAt = undefined;
  }
}

/** Short or extended APDU: CLA INS P1 P2 [Lc data] [Le]. */
function parseApdu(raw: Uint8Array): Apdu | undefined {
  if (raw.length < 4) return undefined;
  const head = { cla: raw[0]!, ins: raw[1]!, p1: raw[2]! };
  if (raw.length <= 5) return { ...head, data: new Uint8Array(0) }; // no body, maybe Le
  if (raw[4] === 0) {
    if (raw.length < 7) return undefined;
    const lc = (raw[5]! << 8) | raw[6]!;
    if (raw.length !== 7 + lc && raw.length !== 9 + lc) return undefined;
    return { ...head, data: raw.subarray(7, 7 + lc) };
  }
  const lc = raw[4]!;
  if (raw.length !== 5 + lc && raw.length !== 6 + lc) return undefined;
  return { ...head, data: raw.subarray(5, 5 + lc) };
}

function sw(word: number): Uint8Array {
  return Uint8Array.of(word >> 8, word & 0xff);
}

function withSw(body: Uint8Array, word: number = StatusWord.NO_ERROR): Uint8Array {
  const out = new Uint8Array(body.length + 2);
  out.set(body, 0);
  out.set(sw(word), body.length);
  return out;
}

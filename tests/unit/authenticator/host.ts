/**
 * A minimal host for driving the software authenticator report by report: CTAPHID framing from
 * src/ctaphid/framing.ts, PIN/UV protocol crypto from src/pin/protocol.ts, and nothing of the
 * engine's host code, so these tests referee the device on their own.
 */
import { createHash } from 'node:crypto';
import { decodeCbor, encodeCbor } from '../../../src/cbor.js';
import { BROADCAST_CID, CtapHidCmd, type Message, MessageAssembler, fragment, parseInitResponse } from '../../../src/ctaphid/framing.js';
import { fromCoseKeyAgreement } from '../../../src/pin/cose-key.js';
import { type PinUvAuthProtocol, pinUvAuthProtocol } from '../../../src/pin/protocol.js';
import { SoftwareAuthenticator, type SoftwareAuthenticatorOptions } from '../../../src/authenticator/index.js';

export const Cmd = { MC: 0x01, GA: 0x02, INFO: 0x04, PIN: 0x06, RESET: 0x07, NEXT: 0x08, CM: 0x0a, SEL: 0x0b, CFG: 0x0d } as const;
export const Perm = { MC: 0x01, GA: 0x02, CM: 0x04, BE: 0x08, LBW: 0x10, ACFG: 0x20 } as const;

export class Host {
  readonly reports: Uint8Array[] = [];
  private wake: (() => void) | null = null;

  constructor(readonly key: SoftwareAuthenticator) {
    key.onReport((r) => {
      this.reports.push(r);
      this.wake?.();
    });
  }

  static create(opts: SoftwareAuthenticatorOptions = {}): Host {
    return new Host(new SoftwareAuthenticator(opts));
  }

  send(cid: number, cmd: number, payload: Uint8Array): void {
    for (const r of fragment(cid, cmd, payload)) this.key.receive(r);
  }

  /** Next report from the device, or throws after timeoutMs. */
  async nextReport(timeoutMs = 2000): Promise<Uint8Array> {
    const deadline = Date.now() + timeoutMs;
    while (this.reports.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no report from the device');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(t);
          this.wake = null;
          resolve();
        };
      });
    }
    return this.reports.shift()!;
  }

  /** True if no report arrives within ms. */
  async silentFor(ms: number): Promise<boolean> {
    try {
      await this.nextReport(ms);
      return false;
    } catch {
      return true;
    }
  }

  /** Next complete message on cid, skipping KEEPALIVE unless asked. */
  async message(cid: number, opts: { keepalive?: boolean; timeoutMs?: number } = {}): Promise<Message> {
    const asm = new MessageAssembler(cid);
    for (;;) {
      const res = asm.push(await this.nextReport(opts.timeoutMs));
      if (res === 'ignored' || res === undefined) continue;
      if (res.cmd === CtapHidCmd.KEEPALIVE && !opts.keepalive) continue;
      return res;
    }
  }

  async init(cid = BROADCAST_CID, nonce = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8])): Promise<number> {
    this.send(cid, CtapHidCmd.INIT, nonce);
    const m = await this.message(cid);
    if (m.cmd !== CtapHidCmd.INIT) throw new Error(`INIT answered 0x${m.cmd.toString(16)}`);
    return parseInitResponse(m.payload).cid;
  }

  /** Send one CTAP2 command, return its status and decoded body. */
  async cbor(cid: number, command: number, params?: Map<unknown, unknown>, timeoutMs?: number): Promise<{ status: number; body?: Map<unknown, unknown> }> {
    const body = params ? encodeCbor(params as never) : new Uint8Array(0);
    const req = new Uint8Array(1 + body.length);
    req[0] = command;
    req.set(body, 1);
    this.send(cid, CtapHidCmd.CBOR, req);
    const m = await this.message(cid, { timeoutMs });
    if (m.cmd !== CtapHidCmd.CBOR) throw new Error(`CBOR answered 0x${m.cmd.toString(16)} ${m.payload[0]}`);
    const status = m.payload[0]!;
    if (m.payload.length === 1) return { status };
    return { status, body: decodeCbor(m.payload.subarray(1)) as Map<unknown, unknown> };
  }
}

export function padPin(pin: string): Uint8Array {
  const out = new Uint8Array(64);
  out.set(new TextEncoder().encode(pin));
  return out;
}

export function pinHash(pin: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(pin).digest()).subarray(0, 16);
}

/** Host side of clientPIN, straight from §6.5.5 with the shared protocol classes. */
export class PinHost {
  readonly protocol: PinUvAuthProtocol;
  constructor(readonly host: Host, readonly cid: number, version: 1 | 2 = 2) {
    this.protocol = pinUvAuthProtocol(version);
  }

  private req(sub: number, extra: [number, unknown][] = []): Map<unknown, unknown> {
    return new Map<unknown, unknown>([[1, this.protocol.version], [2, sub], ...extra]);
  }

  async keyAgreement(): Promise<{ keyAgreement: Map<number | string, unknown>; sharedSecret: Uint8Array }> {
    const r = await this.host.cbor(this.cid, Cmd.PIN, this.req(2));
    if (r.status !== 0) throw new Error(`getKeyAgreement: ${r.status}`);
    return this.protocol.encapsulate(fromCoseKeyAgreement(r.body!.get(1)));
  }

  async retries(): Promise<{ retries: number; powerCycleState?: boolean }> {
    const r = await this.host.cbor(this.cid, Cmd.PIN, this.req(1));
    return { retries: r.body!.get(3) as number, powerCycleState: r.body!.get(4) as boolean | undefined };
  }

  async setPinPadded(padded: Uint8Array): Promise<number> {
    const { keyAgreement, sharedSecret } = await this.keyAgreement();
    const newPinEnc = this.protocol.encrypt(sharedSecret, padded);
    const pinUvAuthParam = this.protocol.authenticate(sharedSecret, newPinEnc);
    return (await this.host.cbor(this.cid, Cmd.PIN, this.req(3, [[3, keyAgreement], [4, pinUvAuthParam], [5, newPinEnc]]))).status;
  }

  setPin(pin: string): Promise<number> {
    return this.setPinPadded(padPin(pin));
  }

  async changePin(current: string, next: string | Uint8Array): Promise<number> {
    const { keyAgreement, sharedSecret } = await this.keyAgreement();
    const pinHashEnc = this.protocol.encrypt(sharedSecret, pinHash(current));
    const newPinEnc = this.protocol.encrypt(sharedSecret, typeof next === 'string' ? padPin(next) : next);
    const msg = new Uint8Array([...newPinEnc, ...pinHashEnc]);
    const pinUvAuthParam = this.protocol.authenticate(sharedSecret, msg);
    return (await this.host.cbor(this.cid, Cmd.PIN, this.req(4, [[3, keyAgreement], [4, pinUvAuthParam], [5, newPinEnc], [6, pinHashEnc]]))).status;
  }

  /** 0x09 with permissions, or the legacy 0x05 when permissions is undefined. */
  async token(pin: string, permissions?: number, rpId?: string): Promise<{ status: number; token?: Uint8Array }> {
    const { keyAgreement, sharedSecret } = await this.keyAgreement();
    const pinHashEnc = this.protocol.encrypt(sharedSecret, pinHash(pin));
    const extra: [number, unknown][] = [[3, keyAgreement], [6, pinHashEnc]];
    if (permissions !== undefined) extra.push([9, permissions]);
    if (rpId !== undefined) extra.push([10, rpId]);
    const r = await this.host.cbor(this.cid, Cmd.PIN, this.req(permissions === undefined ? 5 : 9, extra));
    if (r.status !== 0) return { status: r.status };
    return { status: 0, token: this.protocol.decrypt(sharedSecret, r.body!.get(2) as Uint8Array) };
  }

  auth(token: Uint8Array, message: Uint8Array): Uint8Array {
    return this.protocol.authenticate(token, message);
  }
}

export const S = {
  OK: 0x00,
  INVALID_COMMAND: 0x01,
  INVALID_PARAMETER: 0x02,
  INVALID_LENGTH: 0x03,
  INVALID_SEQ: 0x04,
  TIMEOUT: 0x05,
  CHANNEL_BUSY: 0x06,
  INVALID_CHANNEL: 0x0b,
  MISSING_PARAMETER: 0x14,
  CREDENTIAL_EXCLUDED: 0x19,
  UNSUPPORTED_ALGORITHM: 0x26,
  OPERATION_DENIED: 0x27,
  KEY_STORE_FULL: 0x28,
  UNSUPPORTED_OPTION: 0x2b,
  INVALID_OPTION: 0x2c,
  KEEPALIVE_CANCEL: 0x2d,
  NO_CREDENTIALS: 0x2e,
  USER_ACTION_TIMEOUT: 0x2f,
  NOT_ALLOWED: 0x30,
  PIN_INVALID: 0x31,
  PIN_BLOCKED: 0x32,
  PIN_AUTH_INVALID: 0x33,
  PIN_AUTH_BLOCKED: 0x34,
  PIN_NOT_SET: 0x35,
  PUAT_REQUIRED: 0x36,
  PIN_POLICY_VIOLATION: 0x37,
  INVALID_SUBCOMMAND: 0x3e,
  UNAUTHORIZED_PERMISSION: 0x40,
} as const;

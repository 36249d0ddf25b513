/**
 * authenticatorClientPIN (CTAP 2.1 §6.5.5): retries, key agreement, setPIN, changePIN and PIN
 * tokens, over PIN/UV auth protocol one or two (whichever is newest on both sides). Reads like
 * the specification; every PIN byte, padded PIN, PIN hash and shared secret is zeroed after use.
 */
import { createHash } from 'node:crypto';
import type { CallOptions } from '../ctaphid/device.js';
import { InvalidCborError, NotSupportedError, PinRuleError, ProtocolError, SkmError } from '../errors.js';
import { type EcPublicKey, fromCoseKeyAgreement } from '../pin/cose-key.js';
import { type PinUvAuthProtocol, PinUvAuthProtocolOne, PinUvAuthProtocolTwo, zeroize } from '../pin/protocol.js';
import { encodeCurrentPin, padPin, preparePin } from '../pin/rules.js';
import { Ctap2Command } from './command.js';
import type { Ctap2 } from './ctap2.js';
import type { AuthenticatorInfo } from './get-info.js';

/** pinUvAuthToken permissions (CTAP 2.1 §6.5.5.7). */
export const Permission = { MC: 0x01, GA: 0x02, CM: 0x04, BE: 0x08, LBW: 0x10, ACFG: 0x20 } as const;

/** clientPIN subCommand values (§6.5.5). */
export const ClientPinSubCommand = {
  GET_PIN_RETRIES: 0x01,
  GET_KEY_AGREEMENT: 0x02,
  SET_PIN: 0x03,
  CHANGE_PIN: 0x04,
  GET_PIN_TOKEN: 0x05,
  GET_PIN_UV_AUTH_TOKEN_USING_UV_WITH_PERMISSIONS: 0x06,
  GET_UV_RETRIES: 0x07,
  GET_PIN_UV_AUTH_TOKEN_USING_PIN_WITH_PERMISSIONS: 0x09,
} as const;

/** Request parameter keys. */
const Req = { PROTOCOL: 1, SUB_COMMAND: 2, KEY_AGREEMENT: 3, PIN_UV_AUTH_PARAM: 4, NEW_PIN_ENC: 5, PIN_HASH_ENC: 6, PERMISSIONS: 9, RP_ID: 10 };
/** Response keys. */
const Res = { KEY_AGREEMENT: 1, PIN_UV_AUTH_TOKEN: 2, PIN_RETRIES: 3, POWER_CYCLE_STATE: 4, UV_RETRIES: 5 };

/** Newest first: the protocol picked is the first the key lists support for. */
const PROTOCOLS: (() => PinUvAuthProtocol)[] = [() => new PinUvAuthProtocolTwo(), () => new PinUvAuthProtocolOne()];

/** A pinUvAuthToken with the protocol it was obtained under (§6.5.2). Call destroy() when done. */
export class PinUvAuthToken {
  constructor(
    readonly protocol: PinUvAuthProtocol,
    readonly token: Uint8Array,
    /** Permissions granted; getPinToken (0x05) tokens carry the legacy default mc|ga. */
    readonly permissions: number,
    readonly rpId?: string,
  ) {}

  /** pinUvAuthParam = authenticate(pinUvAuthToken, message). */
  authenticate(message: Uint8Array): Uint8Array {
    return this.protocol.authenticate(this.token, message);
  }

  /** Zero the token; it cannot be used afterwards. */
  destroy(): void {
    zeroize(this.token);
  }
}

/** authenticatorClientPIN (§6.5.5) over one PIN/UV auth protocol. */
export class ClientPin {
  readonly protocol: PinUvAuthProtocol;

  /** Uses `protocol` if given, else the newest protocol both this host and the key support. */
  constructor(
    readonly ctap2: Ctap2,
    protocol?: PinUvAuthProtocol,
  ) {
    this.protocol = protocol ?? ClientPin.pickProtocol(ctap2.info);
  }

  /** The key has a clientPin option at all (true = set, false = not yet set). */
  static isSupported(info: AuthenticatorInfo): boolean {
    return info.options.clientPin !== undefined;
  }

  static pickProtocol(info: AuthenticatorInfo): PinUvAuthProtocol {
    // CTAP 2.0 keys may omit pinUvAuthProtocols; protocol one is the only one they know.
    const listed = info.pinUvAuthProtocols.length > 0 ? info.pinUvAuthProtocols : [1];
    for (const make of PROTOCOLS) {
      const p = make();
      if (listed.includes(p.version)) return p;
    }
    throw new NotSupportedError(`This key supports no PIN/UV auth protocol this app knows (${listed.join(', ')})`);
  }

  /** getPINRetries (0x01): remaining PIN attempts, and whether a power cycle is needed first. */
  async getPinRetries(opts?: CallOptions): Promise<{ retries: number; powerCycleState?: boolean }> {
    const res = await this.call(ClientPinSubCommand.GET_PIN_RETRIES, new Map(), opts);
    const retries = uintField(res, Res.PIN_RETRIES, 'pinRetries');
    const pcs = res.get(Res.POWER_CYCLE_STATE);
    if (pcs !== undefined && typeof pcs !== 'boolean') throw new InvalidCborError('clientPIN: powerCycleState must be a boolean');
    return pcs === undefined ? { retries } : { retries, powerCycleState: pcs };
  }

  /** getUVRetries (0x07): remaining built-in user verification attempts. */
  async getUvRetries(opts?: CallOptions): Promise<number> {
    const res = await this.call(ClientPinSubCommand.GET_UV_RETRIES, new Map(), opts);
    return uintField(res, Res.UV_RETRIES, 'uvRetries');
  }

  /** getKeyAgreement (0x02): the key's ephemeral P-256 public key. */
  async getKeyAgreement(opts?: CallOptions): Promise<EcPublicKey> {
    const res = await this.call(ClientPinSubCommand.GET_KEY_AGREEMENT, new Map(), opts);
    return fromCoseKeyAgreement(res.get(Res.KEY_AGREEMENT));
  }

  /**
   * setPIN (0x03, §6.5.5.5): newPinEnc = encrypt(shared, paddedPin),
   * pinUvAuthParam = authenticate(shared, newPinEnc).
   */
  async setPin(pin: string, opts?: CallOptions): Promise<void> {
    const pinBytes = preparePin(pin, this.ctap2.info.minPINLength, this.ctap2.info.maxPINLength);
    const padded = padPin(pinBytes);
    zeroize(pinBytes);
    let shared: Uint8Array | undefined;
    try {
      const peer = await this.getKeyAgreement(opts);
      const enc = this.protocol.encapsulate(peer);
      shared = enc.sharedSecret;
      const newPinEnc = this.protocol.encrypt(shared, padded);
      const pinUvAuthParam = this.protocol.authenticate(shared, newPinEnc);
      await this.call(
        ClientPinSubCommand.SET_PIN,
        new Map<number, unknown>([
          [Req.KEY_AGREEMENT, enc.keyAgreement],
          [Req.PIN_UV_AUTH_PARAM, pinUvAuthParam],
          [Req.NEW_PIN_ENC, newPinEnc],
        ]),
        opts,
      );
    } finally {
      zeroize(padded, shared);
    }
  }

  /**
   * changePIN (0x04, §6.5.5.6): pinHashEnc = encrypt(shared, LEFT(SHA-256(curPin), 16)),
   * newPinEnc = encrypt(shared, paddedNewPin), pinUvAuthParam = authenticate(shared, newPinEnc || pinHashEnc).
   */
  async changePin(currentPin: string, newPin: string, opts?: CallOptions): Promise<void> {
    if (currentPin.normalize('NFC') === newPin.normalize('NFC')) {
      throw new PinRuleError('SAME_AS_CURRENT', 'The new PIN must differ from the current PIN');
    }
    const newBytes = preparePin(newPin, this.ctap2.info.minPINLength, this.ctap2.info.maxPINLength);
    const padded = padPin(newBytes);
    zeroize(newBytes);
    let pinHash: Uint8Array | undefined;
    let shared: Uint8Array | undefined;
    try {
      pinHash = hashPin(currentPin);
      const peer = await this.getKeyAgreement(opts);
      const enc = this.protocol.encapsulate(peer);
      shared = enc.sharedSecret;
      const pinHashEnc = this.protocol.encrypt(shared, pinHash);
      const newPinEnc = this.protocol.encrypt(shared, padded);
      const pinUvAuthParam = this.protocol.authenticate(shared, concat(newPinEnc, pinHashEnc));
      await this.call(
        ClientPinSubCommand.CHANGE_PIN,
        new Map<number, unknown>([
          [Req.KEY_AGREEMENT, enc.keyAgreement],
          [Req.PIN_UV_AUTH_PARAM, pinUvAuthParam],
          [Req.NEW_PIN_ENC, newPinEnc],
          [Req.PIN_HASH_ENC, pinHashEnc],
        ]),
        opts,
      );
    } finally {
      zeroize(padded, pinHash, shared);
    }
  }

  /** getPinToken (0x05, CTAP 2.0 and later): a token with the legacy default permissions. */
  getPinToken(pin: string, opts?: CallOptions): Promise<PinUvAuthToken> {
    return this.obtainToken(pin, ClientPinSubCommand.GET_PIN_TOKEN, Permission.MC | Permission.GA, undefined, opts);
  }

  /** getPinUvAuthTokenUsingPinWithPermissions (0x09, CTAP 2.1): a token limited to `permissions` (and rpId). */
  getPinUvAuthTokenUsingPinWithPermissions(
    pin: string,
    permissions: number,
    rpId?: string,
    opts?: CallOptions,
  ): Promise<PinUvAuthToken> {
    if (!Number.isInteger(permissions) || permissions <= 0 || permissions > 0xff) {
      return Promise.reject(new SkmError('INVALID_ARGUMENT', 'At least one permission must be requested'));
    }
    return this.obtainToken(pin, ClientPinSubCommand.GET_PIN_UV_AUTH_TOKEN_USING_PIN_WITH_PERMISSIONS, permissions, rpId, opts);
  }

  /** 0x09 when the key has the pinUvAuthToken option, else 0x05 (CTAP 2.0 and 2.1-PRE keys). */
  getToken(pin: string, permissions: number, rpId?: string, opts?: CallOptions): Promise<PinUvAuthToken> {
    if (this.ctap2.info.options.pinUvAuthToken === true) {
      return this.getPinUvAuthTokenUsingPinWithPermissions(pin, permissions, rpId, opts);
    }
    return this.getPinToken(pin, opts);
  }

  private async obtainToken(
    pin: string,
    subCommand: number,
    permissions: number,
    rpId: string | undefined,
    opts?: CallOptions,
  ): Promise<PinUvAuthToken> {
    let pinHash: Uint8Array | undefined;
    let shared: Uint8Array | undefined;
    try {
      pinHash = hashPin(pin);
      const peer = await this.getKeyAgreement(opts);
      const enc = this.protocol.encapsulate(peer);
      shared = enc.sharedSecret;
      const pinHashEnc = this.protocol.encrypt(shared, pinHash);
      const params = new Map<number, unknown>([
        [Req.KEY_AGREEMENT, enc.keyAgreement],
        [Req.PIN_HASH_ENC, pinHashEnc],
      ]);
      if (subCommand === ClientPinSubCommand.GET_PIN_UV_AUTH_TOKEN_USING_PIN_WITH_PERMISSIONS) {
        params.set(Req.PERMISSIONS, permissions);
        if (rpId !== undefined) params.set(Req.RP_ID, rpId);
      }
      const res = await this.call(subCommand, params, opts);
      const encrypted = res.get(Res.PIN_UV_AUTH_TOKEN);
      if (!(encrypted instanceof Uint8Array)) throw new InvalidCborError('clientPIN: pinUvAuthToken must be a byte string');
      const token = this.protocol.decrypt(shared, encrypted);
      // Protocol one allows 16- or 32-byte tokens, protocol two exactly 32 (§6.5.6, §6.5.7).
      const valid = this.protocol.version === 2 ? token.length === 32 : token.length === 16 || token.length === 32;
      if (!valid) {
        zeroize(token);
        throw new ProtocolError(`The key sent a pinUvAuthToken of invalid length for protocol ${this.protocol.version}`);
      }
      return new PinUvAuthToken(this.protocol, token, permissions, rpId);
    } finally {
      zeroize(pinHash, shared);
    }
  }

  /** One clientPIN request: pinUvAuthProtocol and subCommand always sent, then the sub-command's parameters. */
  private async call(subCommand: number, params: Map<number, unknown>, opts: CallOptions | undefined): Promise<Map<unknown, unknown>> {
    const request = new Map<number, unknown>([
      [Req.PROTOCOL, this.protocol.version],
      [Req.SUB_COMMAND, subCommand],
      ...params,
    ]);
    // Sub-commands without a result answer with an empty body; callers check the fields they need.
    return (await this.ctap2.send(Ctap2Command.CLIENT_PIN, request, opts)) ?? new Map();
  }
}

/** LEFT(SHA-256(pin), 16) of the NFC-normalised UTF-8 PIN. */
function hashPin(pin: string): Uint8Array {
  const bytes = encodeCurrentPin(pin);
  try {
    const digest = createHash('sha256').update(bytes).digest();
    const left = Uint8Array.from(digest.subarray(0, 16));
    digest.fill(0);
    return left;
  } finally {
    zeroize(bytes);
  }
}

function uintField(res: Map<unknown, unknown>, key: number, name: string): number {
  const v = res.get(key);
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new InvalidCborError(`clientPIN: ${name} is missing or not an unsigned integer`);
  return v;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

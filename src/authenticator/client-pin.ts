/**
 * authenticatorClientPIN, authenticator side (CTAP 2.1 §6.5.5), both PIN/UV auth protocols.
 * Retries: the counter is decremented before the PIN hash is compared and persisted at once, so
 * pulling the key mid-check cannot win a free guess; three mismatches in a row block PIN entry
 * until a power cycle (PIN_AUTH_BLOCKED), zero retries block it until reset (PIN_BLOCKED).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { CborMap } from '../cbor.js';
import { CtapStatus } from '../ctap2/status.js';
import { fromCoseKeyAgreement, toCoseKeyAgreement } from '../pin/cose-key.js';
import { type PinUvAuthProtocol, zeroize } from '../pin/protocol.js';
import {
  type DeviceContext,
  MAX_PIN_RETRIES,
  TokenPermission,
  isCtap21,
  supportedProtocol,
} from './device-context.js';
import { Params, fail } from './request.js';

/** clientPIN subCommand values (§6.5.5.1). */
export const ClientPinSubCommand = {
  getPINRetries: 0x01,
  getKeyAgreement: 0x02,
  setPIN: 0x03,
  changePIN: 0x04,
  getPinToken: 0x05,
  getPinUvAuthTokenUsingUvWithPermissions: 0x06,
  getUVRetries: 0x07,
  getPinUvAuthTokenUsingPinWithPermissions: 0x09,
} as const;

/** Request parameter keys (§6.5.5.1). */
const Req = {
  pinUvAuthProtocol: 0x01,
  subCommand: 0x02,
  keyAgreement: 0x03,
  pinUvAuthParam: 0x04,
  newPinEnc: 0x05,
  pinHashEnc: 0x06,
  permissions: 0x09,
  rpId: 0x0a,
} as const;

/** Response keys (§6.5.5.2). */
const Res = { keyAgreement: 0x01, pinUvAuthToken: 0x02, pinRetries: 0x03, powerCycleState: 0x04, uvRetries: 0x05 } as const;

/** LEFT(SHA-256(pin), 16): the only form in which a PIN is ever kept. */
export function pinHash(pin: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(pin).digest()).subarray(0, 16);
}

export async function clientPin(ctx: DeviceContext, params: Params): Promise<CborMap> {
  const sub = params.int(Req.subCommand, true);
  const version = params.int(Req.pinUvAuthProtocol);
  const protocol = version === undefined ? undefined : supportedProtocol(ctx, version);
  const needProtocol = (): PinUvAuthProtocol => protocol ?? fail(CtapStatus.CTAP2_ERR_MISSING_PARAMETER);

  switch (sub) {
    case ClientPinSubCommand.getPINRetries:
      return getPinRetries(ctx);
    case ClientPinSubCommand.getKeyAgreement: {
      const p = needProtocol();
      return new Map([[Res.keyAgreement, toCoseKeyAgreement(ctx.volatile.keyAgreement(p.version).publicKey)]]);
    }
    case ClientPinSubCommand.setPIN:
      return setPin(ctx, params, needProtocol());
    case ClientPinSubCommand.changePIN:
      return changePin(ctx, params, needProtocol());
    case ClientPinSubCommand.getPinToken:
      return getPinToken(ctx, params, needProtocol(), undefined);
    case ClientPinSubCommand.getPinUvAuthTokenUsingPinWithPermissions:
      if (!ctx.profile.ctap21.pinUvAuthToken) fail(CtapStatus.CTAP2_ERR_INVALID_SUBCOMMAND);
      return getPinToken(ctx, params, needProtocol(), params.int(Req.permissions, true));
    case ClientPinSubCommand.getPinUvAuthTokenUsingUvWithPermissions:
    case ClientPinSubCommand.getUVRetries:
      // No built-in user verification on this key (no "uv" option in getInfo).
      fail(CtapStatus.CTAP2_ERR_INVALID_SUBCOMMAND);
    default:
      fail(CtapStatus.CTAP2_ERR_INVALID_SUBCOMMAND);
  }
}

function getPinRetries(ctx: DeviceContext): CborMap {
  const out: CborMap = new Map([[Res.pinRetries, ctx.state.pinRetries]]);
  if (isCtap21(ctx.profile)) out.set(Res.powerCycleState, ctx.volatile.pinAuthBlocked);
  return out;
}

/** §6.5.5.5 setPIN */
function setPin(ctx: DeviceContext, params: Params, protocol: PinUvAuthProtocol): CborMap {
  const keyAgreement = params.raw(Req.keyAgreement);
  const pinUvAuthParam = params.bytes(Req.pinUvAuthParam, true);
  const newPinEnc = params.bytes(Req.newPinEnc, true);
  if (keyAgreement === undefined) fail(CtapStatus.CTAP2_ERR_MISSING_PARAMETER);
  if (ctx.state.pinHash !== undefined) fail(CtapStatus.CTAP2_ERR_NOT_ALLOWED);
  const sharedSecret = decapsulate(ctx, protocol, keyAgreement);
  try {
    if (!protocol.verify(sharedSecret, newPinEnc, pinUvAuthParam)) fail(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
    const newPin = decryptNewPin(ctx, protocol, sharedSecret, newPinEnc);
    storePin(ctx, newPin);
    zeroize(newPin);
    return new Map();
  } finally {
    zeroize(sharedSecret);
  }
}

/** §6.5.5.6 changePIN */
function changePin(ctx: DeviceContext, params: Params, protocol: PinUvAuthProtocol): CborMap {
  const keyAgreement = params.raw(Req.keyAgreement);
  const pinHashEnc = params.bytes(Req.pinHashEnc, true);
  const newPinEnc = params.bytes(Req.newPinEnc, true);
  const pinUvAuthParam = params.bytes(Req.pinUvAuthParam, true);
  if (keyAgreement === undefined) fail(CtapStatus.CTAP2_ERR_MISSING_PARAMETER);
  checkPinUsable(ctx);
  const sharedSecret = decapsulate(ctx, protocol, keyAgreement);
  try {
    const message = new Uint8Array(newPinEnc.length + pinHashEnc.length);
    message.set(newPinEnc, 0);
    message.set(pinHashEnc, newPinEnc.length);
    if (!protocol.verify(sharedSecret, message, pinUvAuthParam)) fail(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
    checkPinHash(ctx, protocol, sharedSecret, pinHashEnc);
    const newPin = decryptNewPin(ctx, protocol, sharedSecret, newPinEnc);
    try {
      // A forced change must really change the PIN (§6.5.5.6, forcePINChange).
      if (ctx.state.forcePinChange && Buffer.from(pinHash(newPin)).toString('hex') === ctx.state.pinHash) {
        fail(CtapStatus.CTAP2_ERR_PIN_POLICY_VIOLATION);
      }
      storePin(ctx, newPin);
    } finally {
      zeroize(newPin);
    }
    return new Map();
  } finally {
    zeroize(sharedSecret);
  }
}

/** §6.5.5.7 getPinToken (permissions undefined) and getPinUvAuthTokenUsingPinWithPermissions. */
function getPinToken(ctx: DeviceContext, params: Params, protocol: PinUvAuthProtocol, permissions: number | undefined): CborMap {
  const keyAgreement = params.raw(Req.keyAgreement);
  const pinHashEnc = params.bytes(Req.pinHashEnc, true);
  if (keyAgreement === undefined) fail(CtapStatus.CTAP2_ERR_MISSING_PARAMETER);
  const rpId = permissions === undefined ? undefined : params.text(Req.rpId);
  if (permissions !== undefined) {
    if (permissions === 0) fail(CtapStatus.CTAP1_ERR_INVALID_PARAMETER);
    if (permissions & ~grantable(ctx)) fail(CtapStatus.CTAP2_ERR_UNAUTHORIZED_PERMISSION);
  }
  checkPinUsable(ctx);
  const sharedSecret = decapsulate(ctx, protocol, keyAgreement);
  try {
    checkPinHash(ctx, protocol, sharedSecret, pinHashEnc);
    if (ctx.state.forcePinChange) fail(CtapStatus.CTAP2_ERR_PIN_POLICY_VIOLATION);
    const token = ctx.volatile.token;
    token.reset();
    // The legacy getPinToken grants what a CTAP 2.0 platform expects a PIN token to do.
    const granted = permissions ?? legacyPermissions(ctx);
    token.begin(granted, rpId, ctx.now());
    return new Map([[Res.pinUvAuthToken, protocol.encrypt(sharedSecret, token.token)]]);
  } finally {
    zeroize(sharedSecret);
  }
}

/** Permissions this key can grant: mc and ga always, cm and acfg when the profile has those commands. */
function grantable(ctx: DeviceContext): number {
  let p = TokenPermission.MC | TokenPermission.GA;
  if (ctx.profile.ctap21.credMgmt) p |= TokenPermission.CM;
  if (ctx.profile.ctap21.authnrCfg) p |= TokenPermission.ACFG;
  return p;
}

function legacyPermissions(ctx: DeviceContext): number {
  let p = TokenPermission.MC | TokenPermission.GA;
  if (ctx.profile.ctap21.credMgmt) p |= TokenPermission.CM;
  return p;
}

/** PIN set, not blocked, not power-cycle blocked. */
function checkPinUsable(ctx: DeviceContext): void {
  if (ctx.state.pinHash === undefined) fail(CtapStatus.CTAP2_ERR_PIN_NOT_SET);
  if (ctx.state.pinRetries === 0) fail(CtapStatus.CTAP2_ERR_PIN_BLOCKED);
  if (ctx.volatile.pinAuthBlocked) fail(CtapStatus.CTAP2_ERR_PIN_AUTH_BLOCKED);
}

/** Decrement, persist, compare; restore the counter only on a match (§6.5.5.7 steps "pinRetries"). */
function checkPinHash(ctx: DeviceContext, protocol: PinUvAuthProtocol, sharedSecret: Uint8Array, pinHashEnc: Uint8Array): void {
  let received: Uint8Array;
  try {
    received = protocol.decrypt(sharedSecret, pinHashEnc);
  } catch {
    fail(CtapStatus.CTAP1_ERR_INVALID_PARAMETER);
  }
  ctx.state.pinRetries = Math.max(0, ctx.state.pinRetries - 1);
  ctx.save();
  const stored = Buffer.from(ctx.state.pinHash ?? '', 'hex');
  const matches = received.length === 16 && stored.length === 16 && timingSafeEqual(received, stored);
  zeroize(received);
  if (!matches) {
    ctx.volatile.regenerate(protocol.version);
    ctx.volatile.consecutivePinMismatches++;
    if (ctx.state.pinRetries === 0) fail(CtapStatus.CTAP2_ERR_PIN_BLOCKED);
    if (ctx.volatile.consecutivePinMismatches >= 3) {
      ctx.volatile.pinAuthBlocked = true;
      fail(CtapStatus.CTAP2_ERR_PIN_AUTH_BLOCKED);
    }
    fail(CtapStatus.CTAP2_ERR_PIN_INVALID);
  }
  ctx.volatile.consecutivePinMismatches = 0;
  ctx.state.pinRetries = MAX_PIN_RETRIES;
  ctx.save();
}

/** Decrypt newPinEnc, check the 64-byte padding and the PIN policy; returns the PIN bytes. */
function decryptNewPin(ctx: DeviceContext, protocol: PinUvAuthProtocol, sharedSecret: Uint8Array, newPinEnc: Uint8Array): Uint8Array {
  let padded: Uint8Array;
  try {
    padded = protocol.decrypt(sharedSecret, newPinEnc);
  } catch {
    fail(CtapStatus.CTAP1_ERR_INVALID_PARAMETER);
  }
  if (padded.length !== 64) {
    zeroize(padded);
    fail(CtapStatus.CTAP1_ERR_INVALID_PARAMETER);
  }
  let end = padded.length;
  while (end > 0 && padded[end - 1] === 0) end--;
  const pin = padded.slice(0, end);
  zeroize(padded);
  // At most 63 bytes (the last padding byte must be 0x00), at least minPINLength code points.
  if (pin.length > 63 || codePoints(pin) < ctx.state.minPinLength) {
    zeroize(pin);
    fail(CtapStatus.CTAP2_ERR_PIN_POLICY_VIOLATION);
  }
  return pin;
}

function storePin(ctx: DeviceContext, pin: Uint8Array): void {
  ctx.state.pinHash = Buffer.from(pinHash(pin)).toString('hex');
  ctx.state.pinCodePointLength = codePoints(pin);
  ctx.state.pinRetries = MAX_PIN_RETRIES;
  ctx.state.forcePinChange = false;
  ctx.volatile.consecutivePinMismatches = 0;
  ctx.volatile.token.reset();
  ctx.save();
}

function decapsulate(ctx: DeviceContext, protocol: PinUvAuthProtocol, keyAgreement: unknown): Uint8Array {
  try {
    const peer = fromCoseKeyAgreement(keyAgreement);
    return protocol.decapsulate(ctx.volatile.keyAgreement(protocol.version), peer);
  } catch {
    fail(CtapStatus.CTAP1_ERR_INVALID_PARAMETER);
  }
}

/** Number of Unicode code points in UTF-8 bytes. */
export function codePoints(utf8: Uint8Array): number {
  return [...Buffer.from(utf8).toString('utf8')].length;
}

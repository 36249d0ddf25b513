/**
 * Set PIN and change PIN (CTAP 2.1 §6.5.5.5 setPIN, §6.5.5.6 changePIN), and the one way use
 * cases get a pinUvAuthToken from a PIN (§6.5.5.7). Each call sends the PIN at most once: a wrong
 * PIN is reported with the tries left and never retried on the user's behalf.
 */
import type { CallOptions } from '../ctaphid/device.js';
import { ClientPin, type PinUvAuthToken } from '../ctap2/client-pin.js';
import type { Ctap2 } from '../ctap2/ctap2.js';
import { CtapError, PinRuleError } from '../errors.js';
import { CtapStatus } from '../ctap2/status.js';
import { zeroize } from '../pin/protocol.js';
import { PIN_MAX_BYTES, preparePin } from '../pin/rules.js';
import { describeOutcome, type ErrorContext, toErrorInfo } from './to-error-info.js';
import type { PinChangeResult } from './types.js';
import { UseCaseError } from './use-case-error.js';

/** Wrap anything thrown in a UseCaseError carrying its plain ErrorInfo (the original as cause). */
export function asUseCaseError(e: unknown, context: ErrorContext = 'general', extra: Partial<ReturnType<typeof toErrorInfo>> = {}): UseCaseError {
  if (e instanceof UseCaseError) return e;
  let info = toErrorInfo(e, context);
  if (Object.keys(extra).length > 0) {
    // Re-word with the extra facts (e.g. retriesLeft changes the message and the warning).
    const { message: _m, hint: _h, code: _c, ...facts } = info;
    info = describeOutcome(info.code, { ...facts, ...extra });
  }
  const { code, message, ...details } = info;
  return new UseCaseError(code, message, details, { cause: e });
}

/** Client-side checks of a new PIN, in the order the user sees them; nothing is sent. */
export function checkNewPin(newPin: string, confirmPin: string, minPINLength: number, maxPINLength?: number, currentPin?: string): void {
  if (typeof newPin !== 'string' || typeof confirmPin !== 'string') {
    throw new UseCaseError('INVALID_ARGUMENT', 'A PIN must be text.');
  }
  if (newPin.normalize('NFC') !== confirmPin.normalize('NFC')) throw asUseCaseError(new PinRuleError('MISMATCH', 'The PINs do not match'));
  if (currentPin !== undefined && currentPin.normalize('NFC') === newPin.normalize('NFC')) {
    throw asUseCaseError(new PinRuleError('SAME_AS_CURRENT', 'The new PIN must differ from the current PIN'));
  }
  try {
    zeroize(preparePin(newPin, minPINLength, maxPINLength));
  } catch (e) {
    throw asUseCaseError(e, 'pin');
  }
}

/** The shortest PIN any key holds: CTAP 2.0 required 4 bytes, CTAP 2.1 4 code points (at least 4 bytes). */
const CURRENT_PIN_MIN_BYTES = 4;

/**
 * Refuse a current PIN that no key can hold, before it is sent (CTAP 2.1 §6.5.1, §6.5.5.5: a key
 * stores 4 to 63 bytes of UTF-8 with no trailing 0x00; CTAP 2.0 keys counted the 4 in bytes, so
 * bytes, not code points, is the bound that holds for every key). Sending it would only cost a try.
 */
export function checkCurrentPinPossible(pin: string): void {
  const bytes = new TextEncoder().encode(pin.normalize('NFC'));
  const impossible = bytes.length < CURRENT_PIN_MIN_BYTES || bytes.length > PIN_MAX_BYTES || bytes[bytes.length - 1] === 0;
  zeroize(bytes);
  if (impossible) {
    throw new UseCaseError(
      'INVALID_ARGUMENT',
      "That cannot be this key's PIN: a PIN is 4 to 63 bytes long and no key accepts a shorter one. Nothing was sent, so no try was used.",
      { hint: 'Check the PIN and try again.' },
    );
  }
}

function requirePinSupport(ctap2: Ctap2): void {
  if (!ClientPin.isSupported(ctap2.info)) throw new UseCaseError('NOT_SUPPORTED', 'This key has no PIN support.');
}

/**
 * Refuse before sending a PIN when the key would not take it anyway: PIN blocked (retries 0) or
 * a power cycle needed (powerCycleState). Reading retries is not a PIN attempt.
 */
async function checkPinUsable(pin: ClientPin, opts: CallOptions): Promise<void> {
  const { retries, powerCycleState } = await pin.getPinRetries(opts);
  if (retries === 0) throw asUseCaseError(new CtapError(CtapStatus.CTAP2_ERR_PIN_BLOCKED), 'pin', { retriesLeft: 0 });
  if (powerCycleState === true) throw asUseCaseError(new CtapError(CtapStatus.CTAP2_ERR_PIN_AUTH_BLOCKED), 'pin', { retriesLeft: retries });
}

/** Map a failed PIN attempt; after a wrong PIN, read how many tries are left (§6.5.5.2). */
async function pinAttemptFailed(e: unknown, pin: ClientPin, context: ErrorContext, opts: CallOptions): Promise<never> {
  if (e instanceof CtapError && e.status === CtapStatus.CTAP2_ERR_PIN_INVALID) {
    let retriesLeft: number | undefined;
    try {
      retriesLeft = (await pin.getPinRetries({ ...opts, signal: undefined })).retries;
    } catch {
      // the wrong-PIN outcome stands even if the count cannot be read
    }
    throw asUseCaseError(e, context, retriesLeft === undefined ? {} : { retriesLeft });
  }
  if (e instanceof CtapError && e.status === CtapStatus.CTAP2_ERR_PIN_BLOCKED) throw asUseCaseError(e, context, { retriesLeft: 0 });
  throw asUseCaseError(e, context);
}

/** setPIN: the key must have no PIN yet. Returns the retries the key reports afterwards. */
export async function setPin(ctap2: Ctap2, newPin: string, confirmPin: string, opts: CallOptions = {}): Promise<PinChangeResult> {
  requirePinSupport(ctap2);
  const info = await ctap2.refreshInfo(opts);
  checkNewPin(newPin, confirmPin, info.minPINLength, info.maxPINLength);
  if (info.options.clientPin === true) throw asUseCaseError(new UseCaseError('PIN_ALREADY_SET', 'This key already has a PIN.'));
  const pin = new ClientPin(ctap2);
  try {
    await pin.setPin(newPin, opts);
  } catch (e) {
    throw asUseCaseError(e, 'pin');
  }
  return afterPinChange(ctap2, pin, opts);
}

/** changePIN: current PIN once, new PIN twice. One PIN attempt. */
export async function changePin(
  ctap2: Ctap2,
  currentPin: string,
  newPin: string,
  confirmPin: string,
  opts: CallOptions = {},
): Promise<PinChangeResult> {
  requirePinSupport(ctap2);
  if (typeof currentPin !== 'string' || currentPin.length === 0) throw new UseCaseError('INVALID_ARGUMENT', 'Enter the current PIN.');
  checkCurrentPinPossible(currentPin);
  const info = await ctap2.refreshInfo(opts);
  checkNewPin(newPin, confirmPin, info.minPINLength, info.maxPINLength, currentPin);
  if (info.options.clientPin !== true) throw new UseCaseError('PIN_NOT_SET', 'This key has no PIN yet, so there is nothing to change.');
  const pin = new ClientPin(ctap2);
  await checkPinUsable(pin, opts);
  try {
    await pin.changePin(currentPin, newPin, opts);
  } catch (e) {
    return pinAttemptFailed(e, pin, 'pin', opts);
  }
  return afterPinChange(ctap2, pin, opts);
}

async function afterPinChange(ctap2: Ctap2, pin: ClientPin, opts: CallOptions): Promise<PinChangeResult> {
  try {
    await ctap2.refreshInfo(opts);
    return { retries: (await pin.getPinRetries(opts)).retries };
  } catch {
    return {}; // the PIN change itself succeeded
  }
}

/**
 * A pinUvAuthToken for `permissions` (getPinUvAuthTokenUsingPinWithPermissions, or getPinToken on
 * keys without the pinUvAuthToken option). One PIN attempt; the caller destroys the token.
 */
export async function tokenWithPin(ctap2: Ctap2, pinText: string, permissions: number, opts: CallOptions = {}): Promise<PinUvAuthToken> {
  requirePinSupport(ctap2);
  if (typeof pinText !== 'string' || pinText.length === 0) throw new UseCaseError('INVALID_ARGUMENT', 'Enter the PIN.');
  checkCurrentPinPossible(pinText);
  if (ctap2.info.options.clientPin !== true) throw new UseCaseError('PIN_NOT_SET', 'This key has no PIN yet. Set a PIN first.');
  const pin = new ClientPin(ctap2);
  await checkPinUsable(pin, opts);
  try {
    return await pin.getToken(pinText, permissions, undefined, opts);
  } catch (e) {
    return pinAttemptFailed(e, pin, 'token', opts);
  }
}

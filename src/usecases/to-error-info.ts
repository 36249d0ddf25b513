/**
 * Turns anything thrown by the engine or the use cases into a plain ErrorInfo: a stable outcome
 * code, one plain sentence, and what to do next. CTAP status codes are CTAP 2.1 §8.2; the same
 * status can mean different things depending on the command, so callers pass a context.
 */
import {
  CancelledError,
  CtapError,
  CtapHidError,
  DeviceBusyError,
  DisconnectedError,
  InvalidCborError,
  MessageTooLargeError,
  NativeLibraryMissingError,
  NotSupportedError,
  PermissionDeniedError,
  PinRuleError,
  ProtocolError,
  SkmError,
  TimeoutError,
  TransportError,
} from '../errors.js';
import { CtapStatus } from '../ctap2/status.js';
import type { ErrorInfo, OutcomeCode } from './types.js';
import { UseCaseError } from './use-case-error.js';

/** What the failing call was doing: decides how ambiguous CTAP statuses read. */
export type ErrorContext = 'pin' | 'token' | 'reset' | 'touch' | 'general';

/** Warn about a coming lock-out when this few PIN tries are left. */
export const LOW_RETRIES = 3;

/**
 * What a reset erases, in plain sentences, one item each. Organisation-neutral: the app adds the
 * organisation's own name and portal from its profile.
 */
export const RESET_LOSSES = [
  "Every sign-in stored on the key, including your organisation's registration of it.",
  'Passkeys for every website and app saved on the key.',
  'The PIN: the key goes back to having no PIN, and you set a new one afterwards.',
  'There is no undo: nobody can recover what was erased.',
];

const RESET_COST =
  "A factory reset erases every sign-in on the key, including your organisation's registration, the PIN and all passkeys. " +
  "Afterwards you must register the key again. If you have no other way to sign in (such as an authenticator app or a second key), ask your Local Administrator first.";

/** Plain wording for an outcome code, for callers that create their own outcome. */
export function describeOutcome(code: OutcomeCode, details: Partial<ErrorInfo> = {}): ErrorInfo {
  const info = (message: string, hint?: string): ErrorInfo => ({
    ...details,
    code,
    message: details.message ?? message,
    ...(details.hint ?? hint ? { hint: details.hint ?? hint } : {}),
  });
  switch (code) {
    case 'WRONG_PIN': {
      const left = details.retriesLeft;
      if (left === undefined) return info('That PIN is not correct.', 'Check the PIN and try again.');
      const tries = `${left} ${left === 1 ? 'try' : 'tries'} left`;
      if (left <= LOW_RETRIES) {
        return info(
          `That PIN is not correct. Only ${tries}.`,
          `Careful: after ${left} more wrong ${left === 1 ? 'PIN' : 'PINs'} the PIN locks for good and only a factory reset helps, which erases everything on the key. If you are not sure of the PIN, stop and ask your Local Administrator.`,
        );
      }
      return info(`That PIN is not correct. ${tries[0]!.toUpperCase()}${tries.slice(1)}.`, 'Check the PIN and try again.');
    }
    case 'PIN_TEMPORARILY_BLOCKED':
      return info(
        'The key has stopped taking PIN attempts for now, after several wrong PINs in a row.',
        'Unplug the key and plug it back in, then try again. Take care: the PIN locks for good after a few more wrong tries.',
      );
    case 'PIN_BLOCKED':
      return info('The PIN is locked after too many wrong attempts. The key cannot be used with a PIN any more.', `Only a factory reset helps. ${RESET_COST}`);
    case 'PIN_TOO_SHORT':
      return info(
        `The PIN is too short: it needs at least ${details.minLength ?? 4} characters.`,
        'Choose a longer PIN.',
      );
    case 'PIN_TOO_LONG':
      return info('The PIN is too long: it can be at most 63 bytes (63 plain letters or digits, fewer with accented letters or symbols).', 'Choose a shorter PIN.');
    case 'PIN_ENDS_WITH_NUL':
      return info('The PIN cannot end with a null character.', 'Choose a different PIN.');
    case 'PIN_MISMATCH':
      return info('The two new PINs do not match. Nothing was changed.', 'Type the new PIN again, the same way both times.');
    case 'PIN_SAME_AS_CURRENT':
      return info('The new PIN is the same as the current one, but the key needs a different PIN.', 'Choose a PIN you have not used on this key.');
    case 'PIN_REFUSED':
      return info('The key refused the new PIN: it breaks a rule the key enforces.', 'Choose a different, longer or less simple PIN.');
    case 'PIN_NOT_SET':
      return info('This key has no PIN yet.', 'Set a PIN first.');
    case 'PIN_ALREADY_SET':
      return info('This key already has a PIN.', 'Use Change PIN instead; you will need the current PIN.');
    case 'PIN_CHANGE_REQUIRED':
      return info('The key needs a new PIN before it can be used.', 'Change the PIN first.');
    case 'TOUCH_REFUSED':
      return info('The key reported that the request was declined.', 'Try again and touch the key when it flashes.');
    case 'TOUCH_TIMEOUT':
      return info('The key was not touched in time.', 'Try again and touch the key when it flashes.');
    case 'RESET_TOO_LATE':
      return info(
        'Too late: a key only accepts a reset in the first seconds after it is plugged in.',
        'Unplug the key, plug it back in and try again straight away.',
      );
    case 'RESET_DENIED':
      return info('The key declined the reset. Nothing was erased.', 'If you still want to reset it, start again and touch the key when asked.');
    case 'RESET_TIMEOUT':
      return info('The key was not touched in time, so it was not reset. Nothing was erased.', 'Start again and touch the key when it flashes.');
    case 'RESET_NOT_CONFIRMED':
      return info(
        'The reset was not started: it needs your confirmation first.',
        'Read what a reset erases, confirm you understand it and that you have another way to sign in, then try again.',
      );
    case 'NO_KEY':
      return info('No security key found.', 'Plug in your security key and try again.');
    case 'MULTIPLE_KEYS':
      return info('More than one security key is plugged in.', 'Unplug every key except the one you want to use.');
    case 'KEY_NOT_FOUND':
      return info('That security key is not plugged in any more.', 'Plug it back in and try again.');
    case 'KEY_DISCONNECTED':
      return info('The key was unplugged before the operation finished.', 'Plug it back in and try again.');
    case 'KEY_BUSY':
      return info('The key is busy with another operation.', 'Wait for it to finish, then try again.');
    case 'CANCELLED':
      return info('Cancelled.');
    case 'TIMEOUT':
      return info('This took too long, so it was stopped.', 'Try again.');
    case 'PERMISSION_DENIED':
      return info('This computer does not allow Security Key Manager to talk to the key.', 'Run the doctor check (skm doctor) for the exact fix.');
    case 'NATIVE_LIBRARY_MISSING':
      return info('A system library needed to talk to USB keys is missing.', 'Run the doctor check (skm doctor) for the exact fix.');
    case 'NOT_SUPPORTED':
      return info('This key does not support that.');
    case 'U2F_ONLY':
      return info(
        'This is an older U2F-only key: it has no PIN and stores no passkeys, so there is nothing here to manage.',
        'It still works as a second step for sites that accept U2F keys.',
      );
    case 'INVALID_ARGUMENT':
      return info('That request is not valid.');
    case 'INVALID_STATE':
      return info('That cannot be done right now.');
    case 'CTAP_ERROR':
      return info('The key reported an error.', 'Try again. If it keeps happening, unplug and reinsert the key.');
    case 'TRANSPORT':
      return info('Could not talk to the key.', 'Unplug the key, plug it back in and try again.');
    case 'PROTOCOL':
      return info('The key sent an answer that could not be understood.', 'Unplug the key, plug it back in and try again.');
    case 'INTERNAL':
      return info('Something unexpected went wrong.', 'Try again. If it keeps happening, create a support report for your Local Administrator.');
  }
}

/** Outcome of a CTAP status byte in a context; undefined = a generic CTAP error. */
function ctapOutcome(status: number, context: ErrorContext): OutcomeCode | undefined {
  switch (status) {
    case CtapStatus.CTAP2_ERR_PIN_INVALID:
      return 'WRONG_PIN';
    case CtapStatus.CTAP2_ERR_PIN_AUTH_BLOCKED:
      return 'PIN_TEMPORARILY_BLOCKED';
    case CtapStatus.CTAP2_ERR_PIN_BLOCKED:
      return 'PIN_BLOCKED';
    case CtapStatus.CTAP2_ERR_PIN_NOT_SET:
      return 'PIN_NOT_SET';
    case CtapStatus.CTAP2_ERR_PIN_POLICY_VIOLATION:
      // §6.5.5.7: a token request answers this while forcePINChange is set.
      return context === 'token' ? 'PIN_CHANGE_REQUIRED' : 'PIN_REFUSED';
    case CtapStatus.CTAP2_ERR_OPERATION_DENIED:
      return context === 'reset' ? 'RESET_DENIED' : 'TOUCH_REFUSED';
    case CtapStatus.CTAP2_ERR_USER_ACTION_TIMEOUT:
    case CtapStatus.CTAP2_ERR_ACTION_TIMEOUT:
      return context === 'reset' ? 'RESET_TIMEOUT' : 'TOUCH_TIMEOUT';
    case CtapStatus.CTAP2_ERR_NOT_ALLOWED:
      return context === 'reset' ? 'RESET_TOO_LATE' : undefined;
    case CtapStatus.CTAP2_ERR_KEEPALIVE_CANCEL:
      return 'CANCELLED';
    case CtapStatus.CTAP1_ERR_INVALID_COMMAND:
    case CtapStatus.CTAP2_ERR_UNSUPPORTED_OPTION:
    case CtapStatus.CTAP2_ERR_INVALID_SUBCOMMAND:
      return 'NOT_SUPPORTED';
    case CtapStatus.CTAP1_ERR_CHANNEL_BUSY:
      return 'KEY_BUSY';
    case CtapStatus.CTAP1_ERR_TIMEOUT:
      return 'TIMEOUT';
    default:
      return undefined;
  }
}

const PIN_RULE_OUTCOME: Record<PinRuleError['rule'], OutcomeCode> = {
  TOO_SHORT: 'PIN_TOO_SHORT',
  EMPTY: 'PIN_TOO_SHORT',
  TOO_LONG: 'PIN_TOO_LONG',
  ENDS_WITH_NUL: 'PIN_ENDS_WITH_NUL',
  MISMATCH: 'PIN_MISMATCH',
  SAME_AS_CURRENT: 'PIN_SAME_AS_CURRENT',
};

/** Map any thrown value to an ErrorInfo with plain wording and a hint (never includes secrets). */
export function toErrorInfo(e: unknown, context: ErrorContext = 'general'): ErrorInfo {
  if (e instanceof UseCaseError) return describeOutcome(e.outcome, { message: e.message, ...e.details });
  if (e instanceof PinRuleError) {
    return describeOutcome(PIN_RULE_OUTCOME[e.rule], e.minLength !== undefined ? { minLength: e.minLength } : {});
  }
  if (e instanceof CtapError) {
    const status = { ctapStatus: e.status, ctapStatusName: e.statusName };
    const outcome = ctapOutcome(e.status, context);
    if (outcome) return describeOutcome(outcome, status);
    return describeOutcome('CTAP_ERROR', { ...status, message: `The key reported an error (${e.statusName}).` });
  }
  if (e instanceof CtapHidError) {
    const status = { ctapStatus: e.status, ctapStatusName: e.statusName };
    if (e.status === CtapStatus.CTAP1_ERR_CHANNEL_BUSY) return describeOutcome('KEY_BUSY', status);
    if (e.status === CtapStatus.CTAP1_ERR_INVALID_COMMAND) return describeOutcome('NOT_SUPPORTED', status);
    return describeOutcome('TRANSPORT', { ...status, message: `The key refused the message (${e.statusName}).` });
  }
  if (e instanceof PermissionDeniedError) return describeOutcome('PERMISSION_DENIED', { message: e.message, fix: e.fix });
  if (e instanceof NativeLibraryMissingError) {
    return describeOutcome('NATIVE_LIBRARY_MISSING', { message: e.message, fix: nativeLibraryFix(e.library) });
  }
  if (e instanceof DisconnectedError) return describeOutcome('KEY_DISCONNECTED');
  if (e instanceof CancelledError) return describeOutcome('CANCELLED');
  if (e instanceof TimeoutError) return describeOutcome(context === 'touch' ? 'TOUCH_TIMEOUT' : 'TIMEOUT');
  if (e instanceof DeviceBusyError) return describeOutcome('KEY_BUSY');
  if (e instanceof NotSupportedError) return describeOutcome('NOT_SUPPORTED', { message: e.message });
  if (e instanceof MessageTooLargeError || e instanceof ProtocolError || e instanceof InvalidCborError) {
    return describeOutcome('PROTOCOL');
  }
  if (e instanceof TransportError) return describeOutcome('TRANSPORT');
  if (e instanceof SkmError) {
    switch (e.code) {
      case 'NO_DEVICE':
        return describeOutcome('NO_KEY');
      case 'MULTIPLE_DEVICES':
        return describeOutcome('MULTIPLE_KEYS');
      case 'INVALID_ARGUMENT':
        return describeOutcome('INVALID_ARGUMENT', { message: e.message });
      case 'INVALID_STATE':
        return describeOutcome('INVALID_STATE', { message: e.message });
      default:
        return describeOutcome('INTERNAL');
    }
  }
  if (e instanceof Error && e.name === 'AbortError') return describeOutcome('CANCELLED');
  return describeOutcome('INTERNAL');
}

/** The exact fix for a missing native library, per library name. */
export function nativeLibraryFix(library: string): string {
  if (/udev/i.test(library)) return 'sudo apt install libudev1   (Fedora: sudo dnf install systemd-libs)';
  if (/usb/i.test(library)) return 'sudo apt install libusb-1.0-0   (Fedora: sudo dnf install libusb1)';
  return `Install the system package that provides ${library}, then start Security Key Manager again.`;
}

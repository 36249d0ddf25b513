/**
 * Live PIN rule feedback (CTAP 2.1 §6.5.1 and §6.5.5.1): the platform normalises a PIN to
 * Unicode NFC, counts its length in code points against the key's minPINLength, and the UTF-8
 * form must fit in 63 bytes (the 64-byte padded block keeps at least one trailing zero) and
 * must not end with a 0x00 byte. Pure functions: nothing here keeps or logs a PIN.
 */
import { codePointLength, PIN_MAX_BYTES, PIN_MIN_CODE_POINTS } from '../../../src/pin/rules.js';
import type { OutcomeCode } from '../../../src/usecases/types.js';

/** Default minimum PIN length when the key does not say (CTAP 2.1 §6.4, minPINLength): the engine's own limit. */
export const DEFAULT_MIN_PIN_LENGTH = PIN_MIN_CODE_POINTS;
/** Largest PIN in UTF-8 bytes (CTAP 2.1 §6.5.5.1: paddedNewPin is 64 bytes): the engine's own limit. */
export const MAX_PIN_BYTES = PIN_MAX_BYTES;

/** NFC form of a PIN, as the platform must send it (CTAP 2.1 §6.5.1). */
export function normalizePin(pin: string): string {
  return pin.normalize('NFC');
}

/** Length in Unicode code points after NFC, which is how keys count minPINLength. */
export function pinCodePoints(pin: string): number {
  return codePointLength(normalizePin(pin));
}

/** Length in UTF-8 bytes after NFC. */
export function pinUtf8Bytes(pin: string): number {
  return new TextEncoder().encode(normalizePin(pin)).length;
}

export type RuleState = 'met' | 'unmet' | 'pending';

export interface PinRuleCheck {
  id: 'min-length' | 'max-bytes' | 'no-trailing-nul' | 'confirm-matches' | 'differs-from-current';
  state: RuleState;
  /** Plain words shown next to the rule. */
  label: string;
  /** The outcome the key service would report if this rule were broken. */
  outcome: OutcomeCode;
}

export interface PinRuleInput {
  newPin: string;
  confirmPin?: string;
  /** Only when changing a PIN: a new PIN equal to the current one is refused. */
  currentPin?: string;
  minLength?: number;
  maxBytes?: number;
}

export interface PinRuleReport {
  checks: PinRuleCheck[];
  /** Every rule met (pending counts as not met). */
  ok: boolean;
  /** The first broken rule, for the message shown when the user submits anyway. */
  firstProblem?: PinRuleCheck;
  codePoints: number;
  bytes: number;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Checks a new PIN (and its confirmation) against the key's rules, for live feedback. */
export function checkPin(input: PinRuleInput): PinRuleReport {
  // The spec floor of 4 applies even if a key reports less (same rule as the service).
  const min = Math.max(DEFAULT_MIN_PIN_LENGTH, input.minLength ?? DEFAULT_MIN_PIN_LENGTH);
  const maxBytes = Math.min(MAX_PIN_BYTES, input.maxBytes ?? MAX_PIN_BYTES);
  const pin = normalizePin(input.newPin);
  const codePoints = pinCodePoints(pin);
  const bytes = pinUtf8Bytes(pin);
  const empty = pin.length === 0;
  const checks: PinRuleCheck[] = [];

  checks.push({
    id: 'min-length',
    state: empty ? 'pending' : codePoints >= min ? 'met' : 'unmet',
    label: `At least ${plural(min, 'character', 'characters')} (now ${codePoints})`,
    outcome: 'PIN_TOO_SHORT',
  });
  checks.push({
    id: 'max-bytes',
    state: empty ? 'pending' : bytes <= maxBytes ? 'met' : 'unmet',
    label:
      bytes > codePoints
        ? `No longer than ${maxBytes} bytes; accented letters and symbols take more than one (now ${bytes})`
        : `No longer than ${maxBytes} bytes (now ${bytes})`,
    outcome: 'PIN_TOO_LONG',
  });
  // A trailing NUL would be indistinguishable from the zero padding, so keys reject it.
  if (pin.endsWith('\u0000')) {
    checks.push({ id: 'no-trailing-nul', state: 'unmet', label: 'Does not end with an invisible null character', outcome: 'PIN_ENDS_WITH_NUL' });
  }
  if (input.confirmPin !== undefined) {
    const confirm = normalizePin(input.confirmPin);
    checks.push({
      id: 'confirm-matches',
      state: confirm.length === 0 ? 'pending' : confirm === pin ? 'met' : 'unmet',
      label: 'Both new PIN boxes match',
      outcome: 'PIN_MISMATCH',
    });
  }
  if (input.currentPin !== undefined) {
    const current = normalizePin(input.currentPin);
    checks.push({
      id: 'differs-from-current',
      state: empty || current.length === 0 ? 'pending' : current === pin ? 'unmet' : 'met',
      label: 'Different from the current PIN',
      outcome: 'PIN_SAME_AS_CURRENT',
    });
  }
  const firstProblem = checks.find((c) => c.state !== 'met');
  return { checks, ok: firstProblem === undefined, firstProblem, codePoints, bytes };
}

/**
 * The `skm` exit codes: one stable table, every use-case OutcomeCode mapped to exactly one code.
 * Scripts branch on these numbers, so entries are only ever added, never renumbered.
 * Documented in docs/cli.md and `skm --help`.
 */
import type { OutcomeCode } from '../usecases/types.js';

export const ExitCode = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  NO_KEY: 3,
  MULTIPLE_KEYS: 4,
  WRONG_PIN: 5,
  PIN_TEMPORARILY_BLOCKED: 6,
  PIN_BLOCKED: 7,
  NOT_ALLOWED: 8,
  CANCELLED: 9,
  PERMISSION: 10,
  TOUCH: 11,
  PIN_RULE: 12,
  PIN_STATE: 13,
  NOT_SUPPORTED: 14,
  KEY_UNAVAILABLE: 15,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** OutcomeCode → exit code. A Record over the union, so a new OutcomeCode fails the type check until mapped. */
export const EXIT_CODE_BY_OUTCOME: Record<OutcomeCode, ExitCodeValue> = {
  INTERNAL: ExitCode.FAILURE,
  CTAP_ERROR: ExitCode.FAILURE,
  TRANSPORT: ExitCode.FAILURE,
  PROTOCOL: ExitCode.FAILURE,
  INVALID_ARGUMENT: ExitCode.USAGE,
  NO_KEY: ExitCode.NO_KEY,
  KEY_NOT_FOUND: ExitCode.NO_KEY,
  MULTIPLE_KEYS: ExitCode.MULTIPLE_KEYS,
  WRONG_PIN: ExitCode.WRONG_PIN,
  PIN_TEMPORARILY_BLOCKED: ExitCode.PIN_TEMPORARILY_BLOCKED,
  PIN_BLOCKED: ExitCode.PIN_BLOCKED,
  RESET_TOO_LATE: ExitCode.NOT_ALLOWED,
  RESET_DENIED: ExitCode.NOT_ALLOWED,
  CANCELLED: ExitCode.CANCELLED,
  RESET_NOT_CONFIRMED: ExitCode.CANCELLED,
  PERMISSION_DENIED: ExitCode.PERMISSION,
  NATIVE_LIBRARY_MISSING: ExitCode.PERMISSION,
  TOUCH_REFUSED: ExitCode.TOUCH,
  TOUCH_TIMEOUT: ExitCode.TOUCH,
  RESET_TIMEOUT: ExitCode.TOUCH,
  PIN_TOO_SHORT: ExitCode.PIN_RULE,
  PIN_TOO_LONG: ExitCode.PIN_RULE,
  PIN_ENDS_WITH_NUL: ExitCode.PIN_RULE,
  PIN_MISMATCH: ExitCode.PIN_RULE,
  PIN_SAME_AS_CURRENT: ExitCode.PIN_RULE,
  PIN_REFUSED: ExitCode.PIN_RULE,
  PIN_NOT_SET: ExitCode.PIN_STATE,
  PIN_ALREADY_SET: ExitCode.PIN_STATE,
  PIN_CHANGE_REQUIRED: ExitCode.PIN_STATE,
  NOT_SUPPORTED: ExitCode.NOT_SUPPORTED,
  U2F_ONLY: ExitCode.NOT_SUPPORTED,
  KEY_DISCONNECTED: ExitCode.KEY_UNAVAILABLE,
  KEY_BUSY: ExitCode.KEY_UNAVAILABLE,
  TIMEOUT: ExitCode.KEY_UNAVAILABLE,
  INVALID_STATE: ExitCode.FAILURE,
};

/** The table as `skm --help` and docs/cli.md print it: code, name, what it means. */
export const EXIT_CODE_TABLE: readonly { code: ExitCodeValue; meaning: string }[] = [
  { code: 0, meaning: 'Success' },
  { code: 1, meaning: 'Failure (key error, transport or protocol problem, internal error)' },
  { code: 2, meaning: 'Usage error: unknown command or option, bad value; nothing was sent to the key' },
  { code: 3, meaning: 'No key connected, or the key named by --device is not there' },
  { code: 4, meaning: 'Several keys connected: choose one with --device' },
  { code: 5, meaning: 'Wrong PIN' },
  { code: 6, meaning: 'PIN temporarily blocked: unplug and replug the key, then try again' },
  { code: 7, meaning: 'PIN blocked: only a factory reset makes the key usable again' },
  { code: 8, meaning: 'Not allowed by the key (reset too late after plugging in, or refused)' },
  { code: 9, meaning: 'Cancelled (Ctrl-C, or a confirmation was not given)' },
  { code: 10, meaning: 'Permission or system setup problem (device access, missing native library)' },
  { code: 11, meaning: 'Touch refused or not touched in time' },
  { code: 12, meaning: 'PIN rejected by the rules (too short, too long, mismatch, same as current, refused)' },
  { code: 13, meaning: 'PIN state does not allow this (no PIN set, PIN already set, PIN change required)' },
  { code: 14, meaning: 'Not supported by this key (for example a U2F-only key)' },
  { code: 15, meaning: 'Key unavailable: disconnected, busy, or not answering' },
];

/** Exit code for an outcome; unknown codes (from a newer service) count as a generic failure. */
export function exitCodeFor(code: string): ExitCodeValue {
  return (EXIT_CODE_BY_OUTCOME as Record<string, ExitCodeValue>)[code] ?? ExitCode.FAILURE;
}

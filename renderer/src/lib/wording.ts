/**
 * Outcome wording: every OutcomeCode the key service reports (see src/usecases/types.ts) turned
 * into a short title and what the person can do next. Plain words, no jargon; the CTAP status
 * name stays available for the support report only.
 */
import type { ErrorInfo, OutcomeCode } from '../../../src/usecases/types.js';
import { formatTries } from './format.js';

export type Tone = 'success' | 'info' | 'warning' | 'error';

export interface OutcomeWording {
  title: string;
  /** What to do next, in plain words. */
  next: string;
  tone: Tone;
  /** A screen that helps, e.g. the factory reset for a blocked PIN. */
  action?: 'reset' | 'pin' | 'keys' | 'portal-guide';
}

export interface WordingContext {
  /** e.g. "your organisation's Local Administrator". */
  supportContact?: string;
}

/** Tries left at or below which a wrong PIN gets an extra warning. */
export const LOW_RETRIES_WARNING = 3;

type Entry = (e: ErrorInfo, who: string) => OutcomeWording;

const TABLE: Record<OutcomeCode, Entry> = {
  WRONG_PIN: (e) => {
    const n = e.retriesLeft;
    if (n === undefined) return { title: 'That PIN is not right', next: 'Check the PIN and try again.', tone: 'warning' };
    if (n <= LOW_RETRIES_WARNING) {
      return {
        title: 'That PIN is not right',
        next: `Careful: ${formatTries(n)} left. When none are left the key locks for good and only a factory reset, which erases its sign-ins, makes it usable again. If you are not sure of the PIN, stop and ask for help.`,
        tone: 'error',
      };
    }
    return { title: 'That PIN is not right', next: `${formatTries(n)} left before the key locks. Check the PIN and try again.`, tone: 'warning' };
  },
  PIN_TEMPORARILY_BLOCKED: () => ({
    title: 'The key has paused PIN entry',
    next: 'After several wrong PINs in a row the key stops listening until it restarts. Unplug the key, plug it back in, then try again.',
    tone: 'warning',
  }),
  PIN_BLOCKED: (_e, who) => ({
    title: 'The PIN is locked',
    next: `Too many wrong PINs were entered, so the key no longer accepts any PIN. Only a factory reset makes it usable again, and that erases every sign-in on it. If you have no other way to sign in, contact ${who} before resetting.`,
    tone: 'error',
    action: 'reset',
  }),
  PIN_TOO_SHORT: (e) => ({
    title: 'That PIN is too short',
    next: `Use at least ${e.minLength ?? 4} characters.`,
    tone: 'warning',
  }),
  PIN_TOO_LONG: () => ({
    title: 'That PIN is too long',
    next: 'Keep it within 63 bytes: that is 63 plain letters or digits, fewer if it uses accents or symbols.',
    tone: 'warning',
  }),
  PIN_ENDS_WITH_NUL: () => ({
    title: 'That PIN ends with an invisible character',
    next: 'Delete the last character and type the PIN again.',
    tone: 'warning',
  }),
  PIN_MISMATCH: () => ({ title: 'The two new PINs are different', next: 'Type exactly the same new PIN in both boxes.', tone: 'warning' }),
  PIN_SAME_AS_CURRENT: () => ({
    title: 'The new PIN is the same as the current one',
    next: 'Pick a PIN you are not already using on this key.',
    tone: 'warning',
  }),
  PIN_REFUSED: () => ({
    title: 'The key turned down this PIN',
    next: 'The key has its own rules and this PIN broke one of them, for example by being too easy to guess. Try a longer PIN that is not a simple pattern.',
    tone: 'warning',
  }),
  PIN_NOT_SET: () => ({ title: 'This key has no PIN yet', next: 'Set a PIN first on the PIN page.', tone: 'info', action: 'pin' }),
  PIN_ALREADY_SET: () => ({
    title: 'This key already has a PIN',
    next: 'Use the change form instead: enter the current PIN once and the new PIN twice.',
    tone: 'info',
    action: 'pin',
  }),
  PIN_CHANGE_REQUIRED: () => ({
    title: 'The key wants a new PIN',
    next: 'Change the PIN on the PIN page before using the key for anything else.',
    tone: 'warning',
    action: 'pin',
  }),
  TOUCH_REFUSED: () => ({ title: 'The touch was declined', next: 'Nothing was changed. Try again and touch the key when asked.', tone: 'warning' }),
  TOUCH_TIMEOUT: () => ({
    title: 'No touch arrived in time',
    next: 'Nothing was changed. Try again, and touch the key (its metal contact, button or logo) as soon as the screen asks.',
    tone: 'warning',
  }),
  RESET_TOO_LATE: () => ({
    title: 'Too late to reset',
    next: 'A key only accepts a reset in the first few seconds after it is plugged in. Unplug it, plug it back in and start again.',
    tone: 'warning',
  }),
  RESET_DENIED: () => ({
    title: 'The key declined the reset',
    next: 'Nothing was erased. If you still want to reset, start again and touch the key when asked; some keys need you to hold the touch for a few seconds.',
    tone: 'warning',
  }),
  RESET_TIMEOUT: () => ({
    title: 'The reset timed out',
    next: 'No touch arrived before the key stopped waiting, so nothing was erased. Start again when you are ready.',
    tone: 'warning',
  }),
  RESET_NOT_CONFIRMED: () => ({
    title: 'The reset was not confirmed',
    next: 'Nothing was erased. Go through each step of the reset again.',
    tone: 'warning',
  }),
  NO_KEY: () => ({ title: 'No security key found', next: 'Plug your key into a USB port and try again.', tone: 'info', action: 'keys' }),
  MULTIPLE_KEYS: () => ({
    title: 'More than one key is plugged in',
    next: 'To be sure the right key is erased, unplug every key except the one you want to reset, then start again.',
    tone: 'warning',
  }),
  KEY_NOT_FOUND: () => ({
    title: 'That key is no longer available',
    next: 'Check it is still plugged in, then choose it again on the Keys page.',
    tone: 'warning',
    action: 'keys',
  }),
  KEY_DISCONNECTED: () => ({ title: 'The key was unplugged', next: 'Plug it back in and try again.', tone: 'warning' }),
  KEY_BUSY: () => ({ title: 'The key is busy', next: 'Wait for the current step to finish, or cancel it, then try again.', tone: 'info' }),
  CANCELLED: () => ({ title: 'Cancelled', next: 'Nothing more was done.', tone: 'info' }),
  TIMEOUT: () => ({ title: 'The key did not answer in time', next: 'Unplug the key, plug it back in and try again.', tone: 'warning' }),
  PERMISSION_DENIED: () => ({
    title: 'This computer is not letting the app use the key',
    next: 'Apply the fix shown, then unplug the key and plug it back in.',
    tone: 'error',
  }),
  NATIVE_LIBRARY_MISSING: () => ({
    title: 'A part of the system the app needs is missing',
    next: 'Install it with the fix shown, then restart the app.',
    tone: 'error',
  }),
  NOT_SUPPORTED: () => ({ title: 'This key cannot do that', next: 'The key does not offer this feature. Nothing was changed.', tone: 'info' }),
  U2F_ONLY: () => ({
    title: 'This is an older U2F-only key',
    next: 'It can still be used to sign in on sites that accept U2F, but it has no PIN, passkeys or settings to manage here.',
    tone: 'info',
  }),
  INVALID_ARGUMENT: () => ({ title: 'Something in the request was not valid', next: 'Check what you entered and try again.', tone: 'warning' }),
  INVALID_STATE: () => ({ title: 'That cannot be done right now', next: 'Go back a step, or start again.', tone: 'warning' }),
  CTAP_ERROR: (_e, who) => ({
    title: 'The key reported an error',
    next: `Try again. If it keeps happening, copy the support report from the key overview and send it to ${who}.`,
    tone: 'error',
  }),
  TRANSPORT: () => ({ title: 'Could not talk to the key', next: 'Unplug the key, plug it back in and try again.', tone: 'error' }),
  PROTOCOL: (_e, who) => ({
    title: 'The key answered in an unexpected way',
    next: `Unplug it, plug it back in and try again. If it keeps happening, send the support report to ${who}.`,
    tone: 'error',
  }),
  INTERNAL: () => ({ title: 'Something went wrong in the app', next: 'Try again. If it keeps happening, restart the app.', tone: 'error' }),
};

const DEFAULT_CONTACT = "your organisation's Local Administrator";

/** Title, next step and tone for an outcome reported by the key service. */
export function describeOutcome(error: ErrorInfo, ctx: WordingContext = {}): OutcomeWording {
  const entry = TABLE[error.code] ?? TABLE.INTERNAL;
  return entry(error, ctx.supportContact ?? DEFAULT_CONTACT);
}

/** Every code has wording (used by tests to prove the table is complete). */
export function wordedCodes(): OutcomeCode[] {
  return Object.keys(TABLE) as OutcomeCode[];
}

/** The service's own message, shown under the title unless it only repeats it. */
export function detailLine(error: ErrorInfo, wording: OutcomeWording): string | undefined {
  const m = error.message?.trim();
  if (!m) return undefined;
  const norm = (s: string) => s.toLowerCase().replace(/[.!]+$/, '');
  return norm(m) === norm(wording.title) || norm(m) === norm(wording.next) ? undefined : m;
}

/**
 * The next step to show: the service's own hint when it has one (it knows the key and the
 * situation), otherwise our generic wording for the outcome. Never both, so nothing is said twice.
 */
export function nextStep(error: ErrorInfo, wording: OutcomeWording): string {
  return error.hint?.trim() || wording.next;
}

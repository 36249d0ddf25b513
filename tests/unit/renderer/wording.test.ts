import { describe, expect, it } from 'vitest';
import type { OutcomeCode } from '../../../src/usecases/types.js';
import { describeOutcome, detailLine, nextStep, wordedCodes } from '../../../renderer/src/lib/wording.js';

// Every code of the contract; `satisfies` keeps this list in step with OutcomeCode.
const ALL = {
  WRONG_PIN: 1, PIN_TEMPORARILY_BLOCKED: 1, PIN_BLOCKED: 1, PIN_TOO_SHORT: 1, PIN_TOO_LONG: 1, PIN_ENDS_WITH_NUL: 1,
  PIN_MISMATCH: 1, PIN_SAME_AS_CURRENT: 1, PIN_REFUSED: 1, PIN_NOT_SET: 1, PIN_ALREADY_SET: 1, PIN_CHANGE_REQUIRED: 1,
  TOUCH_REFUSED: 1, TOUCH_TIMEOUT: 1, RESET_TOO_LATE: 1, RESET_DENIED: 1, RESET_TIMEOUT: 1, RESET_NOT_CONFIRMED: 1,
  NO_KEY: 1, MULTIPLE_KEYS: 1, KEY_NOT_FOUND: 1, KEY_DISCONNECTED: 1, KEY_BUSY: 1, CANCELLED: 1, TIMEOUT: 1,
  PERMISSION_DENIED: 1, NATIVE_LIBRARY_MISSING: 1, NOT_SUPPORTED: 1, U2F_ONLY: 1, INVALID_ARGUMENT: 1, INVALID_STATE: 1,
  CTAP_ERROR: 1, TRANSPORT: 1, PROTOCOL: 1, INTERNAL: 1,
} satisfies Record<OutcomeCode, 1>;

const e = (code: OutcomeCode, extra: object = {}) => ({ code, message: 'x', ...extra });

describe('outcome wording', () => {
  it('has a distinct title and a next step for every outcome code', () => {
    expect(new Set(wordedCodes())).toEqual(new Set(Object.keys(ALL)));
    for (const code of Object.keys(ALL) as OutcomeCode[]) {
      const w = describeOutcome(e(code));
      expect(w.title.length, code).toBeGreaterThan(3);
      expect(w.next.length, code).toBeGreaterThan(3);
    }
    const codes = Object.keys(ALL) as OutcomeCode[];
    expect(new Set(codes.map((c) => describeOutcome(e(c)).title)).size).toBe(codes.length);
  });

  it('warns harder about a wrong PIN at 3 tries or fewer', () => {
    const four = describeOutcome(e('WRONG_PIN', { retriesLeft: 4 }));
    const three = describeOutcome(e('WRONG_PIN', { retriesLeft: 3 }));
    const one = describeOutcome(e('WRONG_PIN', { retriesLeft: 1 }));
    expect(four.tone).toBe('warning');
    expect(four.next).toContain('4 tries left');
    expect(three.tone).toBe('error');
    expect(three.next).toMatch(/^Careful: 3 tries left/);
    expect(one.next).toContain('1 try left');
  });

  it('points a blocked PIN at the reset and names the contact', () => {
    const w = describeOutcome(e('PIN_BLOCKED'), { supportContact: 'the IT desk' });
    expect(w.action).toBe('reset');
    expect(w.next).toContain('the IT desk');
  });

  it('tells a temporarily blocked PIN to unplug and reinsert', () => {
    expect(describeOutcome(e('PIN_TEMPORARILY_BLOCKED')).next).toMatch(/Unplug the key, plug it back in/);
  });

  it('says too late means unplug, plug back in and start again', () => {
    const w = describeOutcome(e('RESET_TOO_LATE'));
    expect(w.title).toBe('Too late to reset');
    expect(w.next).toMatch(/Unplug it, plug it back in and start again/);
  });

  it('uses the minimum length the key reported', () => {
    expect(describeOutcome(e('PIN_TOO_SHORT', { minLength: 8 })).next).toContain('8 characters');
  });

  it('falls back to INTERNAL wording for an unknown code', () => {
    expect(describeOutcome(e('SOMETHING_NEW' as OutcomeCode)).title).toBe(describeOutcome(e('INTERNAL')).title);
  });

  it('hides a service message that only repeats the title and prefers the service hint as next step', () => {
    const w = describeOutcome(e('CANCELLED'));
    expect(detailLine({ code: 'CANCELLED', message: 'Cancelled.' }, w)).toBeUndefined();
    expect(detailLine({ code: 'CANCELLED', message: 'The operation was stopped by you.' }, w)).toBe('The operation was stopped by you.');
    expect(nextStep({ code: 'CANCELLED', message: 'x' }, w)).toBe(w.next);
    expect(nextStep({ code: 'CANCELLED', message: 'x', hint: '  ' }, w)).toBe(w.next);
    expect(nextStep({ code: 'CANCELLED', message: 'x', hint: 'Other hint' }, w)).toBe('Other hint');
  });
});

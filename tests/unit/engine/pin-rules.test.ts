import { describe, expect, it } from 'vitest';
import { PinRuleError } from '../../../src/errors.js';
import { codePointLength, padPin, preparePin } from '../../../src/pin/rules.js';

function rule(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof PinRuleError) return e.rule;
    throw e;
  }
  return undefined;
}

describe('PIN rules (CTAP 2.1 §6.5.1)', () => {
  it('accepts a 4-digit PIN and returns its UTF-8 bytes', () => {
    expect([...preparePin('1234')]).toEqual([0x31, 0x32, 0x33, 0x34]);
  });

  it('empty PIN', () => {
    expect(rule(() => preparePin(''))).toBe('EMPTY');
  });

  it('counts code points, not UTF-16 units or bytes', () => {
    expect(codePointLength('😀😀😀')).toBe(3);
    expect('😀😀😀'.length).toBe(6);
    expect(rule(() => preparePin('😀😀😀'))).toBe('TOO_SHORT'); // 12 bytes but 3 code points
    expect(preparePin('😀😀😀😀')).toHaveLength(16);
    expect(rule(() => preparePin('123'))).toBe('TOO_SHORT');
  });

  it('counts after NFC: e + combining acute is one code point', () => {
    const decomposed = 'e\u0301'.repeat(3) + 'x'; // 7 code points before NFC, 4 after
    expect(codePointLength(decomposed)).toBe(7);
    expect(preparePin(decomposed)).toEqual(preparePin('\u00e9\u00e9\u00e9x'));
    expect(rule(() => preparePin('e\u0301e\u0301e\u0301'))).toBe('TOO_SHORT'); // 3 after NFC
    // No precomposed form for x + combining acute: stays two code points each.
    expect(preparePin('x\u0301x\u0301')).toHaveLength(6);
  });

  it('NFC makes equivalent spellings produce the same bytes', () => {
    const composed = 'Å1234';
    const decomposed = 'A\u030a1234';
    expect(Buffer.from(preparePin(composed)).toString('hex')).toBe(Buffer.from(preparePin(decomposed)).toString('hex'));
  });

  it('minimum length from the key (minPINLength)', () => {
    const err = (() => {
      try {
        preparePin('123456', 8);
      } catch (e) {
        return e as PinRuleError;
      }
    })();
    expect(err?.rule).toBe('TOO_SHORT');
    expect(err?.minLength).toBe(8);
    expect(preparePin('12345678', 8)).toHaveLength(8);
    expect(rule(() => preparePin('123', 2))).toBe('TOO_SHORT'); // never below 4
  });

  it('63 UTF-8 bytes is the maximum; 64 is too long', () => {
    expect(preparePin('a'.repeat(63))).toHaveLength(63);
    expect(rule(() => preparePin('a'.repeat(64)))).toBe('TOO_LONG');
    expect(rule(() => preparePin('é'.repeat(32)))).toBe('TOO_LONG'); // 32 code points, 64 bytes
    expect(preparePin('é'.repeat(31) + 'a')).toHaveLength(63);
  });

  it('maxPINLength in code points (CTAP 2.2)', () => {
    expect(rule(() => preparePin('123456789', 4, 8))).toBe('TOO_LONG');
    expect(preparePin('12345678', 4, 8)).toHaveLength(8);
  });

  it('a PIN ending in NUL is refused', () => {
    expect(rule(() => preparePin('1234\u0000'))).toBe('ENDS_WITH_NUL');
    expect(preparePin('12\u000034')).toHaveLength(5);
  });

  it('pads to 64 bytes with zeros', () => {
    const p = padPin(preparePin('1234'));
    expect(p).toHaveLength(64);
    expect([...p.subarray(0, 5)]).toEqual([0x31, 0x32, 0x33, 0x34, 0]);
    expect(p.subarray(4).every((b) => b === 0)).toBe(true);
    expect(rule(() => padPin(new Uint8Array(64)))).toBe('TOO_LONG');
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkPin, MAX_PIN_BYTES, normalizePin, pinCodePoints, pinUtf8Bytes } from '../../../renderer/src/lib/pin-rules.js';

const state = (r: ReturnType<typeof checkPin>, id: string) => r.checks.find((c) => c.id === id)?.state;

describe('PIN length counting (CTAP 2.1 §6.5.1: NFC, code points, UTF-8 bytes)', () => {
  it('normalises to NFC before counting: e + combining acute is one character', () => {
    const decomposed = 'cafe\u0301';
    expect(decomposed.length).toBe(5);
    expect(pinCodePoints(decomposed)).toBe(4);
    expect(normalizePin(decomposed)).toBe('caf\u00e9');
    expect(pinUtf8Bytes(decomposed)).toBe(5);
  });

  it('counts an astral character (emoji) as one code point and four bytes', () => {
    expect('😀'.length).toBe(2);
    expect(pinCodePoints('😀')).toBe(1);
    expect(pinUtf8Bytes('😀')).toBe(4);
  });

  it('bytes always equal the UTF-8 length of the NFC form, and are at least the code points', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        const n = s.normalize('NFC');
        expect(pinUtf8Bytes(s)).toBe(Buffer.byteLength(n, 'utf8'));
        expect(pinUtf8Bytes(s)).toBeGreaterThanOrEqual(pinCodePoints(s));
      }),
    );
  });
});

describe('checkPin', () => {
  it('uses the key minimum, not a fixed 4', () => {
    expect(state(checkPin({ newPin: '12345', minLength: 6 }), 'min-length')).toBe('unmet');
    expect(state(checkPin({ newPin: '123456', minLength: 6 }), 'min-length')).toBe('met');
    expect(state(checkPin({ newPin: '1234' }), 'min-length')).toBe('met');
    expect(state(checkPin({ newPin: '123' }), 'min-length')).toBe('unmet');
  });

  it('counts the minimum in characters after NFC, so four accented letters pass a minimum of 4', () => {
    const r = checkPin({ newPin: 'e\u0301e\u0301e\u0301e\u0301', minLength: 4 });
    expect(r.codePoints).toBe(4);
    expect(state(r, 'min-length')).toBe('met');
    expect(state(checkPin({ newPin: 'e\u0301e\u0301e\u0301', minLength: 4 }), 'min-length')).toBe('unmet');
  });

  it('accepts exactly 63 bytes and refuses 64, also for multi-byte characters', () => {
    expect(state(checkPin({ newPin: 'a'.repeat(MAX_PIN_BYTES) }), 'max-bytes')).toBe('met');
    expect(state(checkPin({ newPin: 'a'.repeat(MAX_PIN_BYTES + 1) }), 'max-bytes')).toBe('unmet');
    expect(state(checkPin({ newPin: '€'.repeat(21) }), 'max-bytes')).toBe('met'); // 63 bytes
    const r = checkPin({ newPin: '€'.repeat(22) }); // 66 bytes, only 22 characters
    expect(r.codePoints).toBe(22);
    expect(state(r, 'max-bytes')).toBe('unmet');
    expect(r.firstProblem?.outcome).toBe('PIN_TOO_LONG');
  });

  it('honours a smaller maximum reported by the key', () => {
    expect(state(checkPin({ newPin: 'a'.repeat(33), maxBytes: 32 }), 'max-bytes')).toBe('unmet');
  });

  it('flags a trailing NUL, which the key cannot tell from padding', () => {
    const r = checkPin({ newPin: '1234\u0000' });
    expect(r.ok).toBe(false);
    expect(r.firstProblem?.outcome).toBe('PIN_ENDS_WITH_NUL');
    expect(checkPin({ newPin: '1234' }).checks.some((c) => c.id === 'no-trailing-nul')).toBe(false);
  });

  it('compares confirmation after NFC', () => {
    expect(state(checkPin({ newPin: 'caf\u00e9', confirmPin: 'cafe\u0301' }), 'confirm-matches')).toBe('met');
    expect(state(checkPin({ newPin: 'abcd', confirmPin: 'abce' }), 'confirm-matches')).toBe('unmet');
    expect(state(checkPin({ newPin: 'abcd', confirmPin: '' }), 'confirm-matches')).toBe('pending');
  });

  it('refuses a new PIN equal to the current one only when changing', () => {
    const r = checkPin({ newPin: 'abcd', confirmPin: 'abcd', currentPin: 'abcd' });
    expect(r.ok).toBe(false);
    expect(r.firstProblem?.outcome).toBe('PIN_SAME_AS_CURRENT');
    expect(checkPin({ newPin: 'abcd', confirmPin: 'abcd' }).checks.some((c) => c.id === 'differs-from-current')).toBe(false);
    expect(checkPin({ newPin: 'abcd', confirmPin: 'abcd', currentPin: 'wxyz' }).ok).toBe(true);
  });

  it('treats empty fields as pending, not as passed', () => {
    const r = checkPin({ newPin: '', confirmPin: '' });
    expect(r.ok).toBe(false);
    expect(r.checks.every((c) => c.state === 'pending')).toBe(true);
  });

  it('reports the count in its label', () => {
    expect(checkPin({ newPin: 'ab', minLength: 4 }).checks[0]!.label).toBe('At least 4 characters (now 2)');
  });
});

describe('minimum floor', () => {
  it('never asks for fewer than 4 characters, even if a key reports less', () => {
    expect(state(checkPin({ newPin: '123', minLength: 2 }), 'min-length')).toBe('unmet');
    expect(checkPin({ newPin: '123', minLength: 2 }).checks[0]!.label).toBe('At least 4 characters (now 3)');
  });
});

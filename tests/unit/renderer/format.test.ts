import { describe, expect, it } from 'vitest';
import { formatCountdown, formatTries, formatUsbId, remainingNow, windowFraction } from '../../../renderer/src/lib/format.js';

describe('countdown formatting', () => {
  it('rounds up so the last fraction of a second still shows 1', () => {
    expect(formatCountdown(10_000)).toBe('10 seconds');
    expect(formatCountdown(9_001)).toBe('10 seconds');
    expect(formatCountdown(1_000)).toBe('1 second');
    expect(formatCountdown(200)).toBe('1 second');
    expect(formatCountdown(0)).toBe('0 seconds');
    expect(formatCountdown(-50)).toBe('0 seconds');
    expect(formatCountdown(undefined)).toBe('0 seconds');
  });

  it('ticks down locally from the last reported value and stops at zero', () => {
    expect(remainingNow(8000, 1000, 1000)).toBe(8000);
    expect(remainingNow(8000, 1000, 3500)).toBe(5500);
    expect(remainingNow(8000, 1000, 20_000)).toBe(0);
    // A clock that appears to go backwards never adds time.
    expect(remainingNow(8000, 1000, 500)).toBe(8000);
  });

  it('gives the share of the window left', () => {
    expect(windowFraction(5000, 10_000)).toBe(0.5);
    expect(windowFraction(12_000, 10_000)).toBe(1);
    expect(windowFraction(10, 0)).toBe(0);
  });
});

describe('small formatters', () => {
  it('formats USB ids as four hex digits', () => {
    expect(formatUsbId(0x1050, 0x407)).toBe('1050:0407');
    expect(formatUsbId(0, 0)).toBe('0000:0000');
  });
  it('says try or tries', () => {
    expect(formatTries(1)).toBe('1 try');
    expect(formatTries(3)).toBe('3 tries');
  });
});

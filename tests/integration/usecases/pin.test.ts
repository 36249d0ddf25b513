import { afterEach, describe, expect, it } from 'vitest';
import { toErrorInfo } from '../../../src/usecases/to-error-info.js';
import { MARKER_PIN, MARKER_PIN_2, Rig, errorOf, outcomeOf } from './helpers.js';

describe('set PIN and change PIN against the software key', () => {
  let rig: Rig;
  afterEach(async () => rig.close());

  it('sets a first PIN, then refuses a second set with PIN_ALREADY_SET', async () => {
    rig = new Rig();
    const { key, path } = rig.addKey('a');
    const s = rig.start();
    const result = await s.setPin(path, MARKER_PIN, MARKER_PIN);
    expect(result.retries).toBe(8);
    expect(key.snapshot().pinSet).toBe(true);
    expect(await outcomeOf(s.setPin(path, MARKER_PIN_2, MARKER_PIN_2))).toBe('PIN_ALREADY_SET');
    const info = await s.getKeyInfo(path);
    expect(info.pin.isSet).toBe(true);
    expect(info.pin.retries).toBe(8);
  });

  it('refuses a confirmation mismatch before anything is sent', async () => {
    rig = new Rig();
    const { key, path } = rig.addKey('a');
    const s = rig.start();
    let reports = 0;
    key.onReport(() => reports++);
    expect(await outcomeOf(s.setPin(path, '123456', '123457'))).toBe('PIN_MISMATCH');
    expect(reports).toBe(0);
    expect(key.snapshot().pinSet).toBe(false);
  });

  it('applies the PIN rules: too short (with minLength), too long, trailing NUL', async () => {
    rig = new Rig();
    const { path } = rig.addKey('a');
    const s = rig.start();
    const short = await errorOf(s.setPin(path, '123', '123'));
    expect(short.outcome).toBe('PIN_TOO_SHORT');
    expect(short.details.minLength).toBe(4);
    const long = 'x'.repeat(64);
    expect(await outcomeOf(s.setPin(path, long, long))).toBe('PIN_TOO_LONG');
    expect(await outcomeOf(s.setPin(path, '1234\u0000', '1234\u0000'))).toBe('PIN_ENDS_WITH_NUL');
  });

  it('uses the key minPINLength for PIN_TOO_SHORT', async () => {
    rig = new Rig();
    const { path } = rig.addKey('a');
    const s = rig.start();
    await s.setPin(path, MARKER_PIN, MARKER_PIN);
    await s.updateSettings(path, MARKER_PIN, { minPINLength: 8 });
    const e = await errorOf(s.changePin(path, MARKER_PIN, '1234567', '1234567'));
    expect(e.outcome).toBe('PIN_TOO_SHORT');
    expect(e.details.minLength).toBe(8);
  });

  it('changes the PIN; the old one stops working', async () => {
    rig = new Rig();
    const { path } = rig.addKey('a');
    const s = rig.start();
    await s.setPin(path, MARKER_PIN, MARKER_PIN);
    expect((await s.changePin(path, MARKER_PIN, MARKER_PIN_2, MARKER_PIN_2)).retries).toBe(8);
    const wrong = await errorOf(s.changePin(path, MARKER_PIN, '99999999', '99999999'));
    expect(wrong.outcome).toBe('WRONG_PIN');
    expect(wrong.details.retriesLeft).toBe(7);
  });

  it('refuses change when no PIN is set, and a new PIN equal to the current one', async () => {
    rig = new Rig();
    const { path } = rig.addKey('a');
    const s = rig.start();
    expect(await outcomeOf(s.changePin(path, '1234', '5678', '5678'))).toBe('PIN_NOT_SET');
    await s.setPin(path, MARKER_PIN, MARKER_PIN);
    expect(await outcomeOf(s.changePin(path, MARKER_PIN, MARKER_PIN, MARKER_PIN))).toBe('PIN_SAME_AS_CURRENT');
  });

  it('wrong PINs: one attempt per call, retries counted down, temporarily blocked, then blocked', async () => {
    rig = new Rig();
    const { key, path } = rig.addKey('a');
    const s = rig.start();
    await s.setPin(path, MARKER_PIN, MARKER_PIN);
    const seen: string[] = [];
    const lefts: (number | undefined)[] = [];
    // Eight wrong PINs, with a replug whenever the key asks for one.
    for (let i = 0; i < 12 && key.snapshot().pinRetries > 0; i++) {
      const before = key.snapshot().pinRetries;
      const e = await errorOf(s.changePin(path, `wrong-${i}-pin`, MARKER_PIN_2, MARKER_PIN_2));
      seen.push(e.outcome);
      lefts.push(e.details.retriesLeft as number | undefined);
      // Exactly one attempt per call (or none when the key refuses up front).
      expect(before - key.snapshot().pinRetries).toBeLessThanOrEqual(1);
      if (e.outcome === 'PIN_TEMPORARILY_BLOCKED') {
        // The next call is refused without sending the PIN.
        const r = key.snapshot().pinRetries;
        expect(await outcomeOf(s.changePin(path, MARKER_PIN, MARKER_PIN_2, MARKER_PIN_2))).toBe('PIN_TEMPORARILY_BLOCKED');
        expect(key.snapshot().pinRetries).toBe(r);
        key.unplug();
        key.plug();
      }
    }
    expect(seen.slice(0, 2)).toEqual(['WRONG_PIN', 'WRONG_PIN']);
    expect(lefts.slice(0, 2)).toEqual([7, 6]);
    expect(seen).toContain('PIN_TEMPORARILY_BLOCKED');
    expect(seen.at(-1)).toBe('PIN_BLOCKED');
    expect(key.snapshot().pinRetries).toBe(0);
    // Blocked: the right PIN is not even sent.
    expect(await outcomeOf(s.changePin(path, MARKER_PIN, MARKER_PIN_2, MARKER_PIN_2))).toBe('PIN_BLOCKED');
    const info = await s.getKeyInfo(path);
    expect(info.pin.blocked).toBe(true);
  });

  it('plain wording: low retries warn, temporarily blocked says to reinsert, blocked explains the reset', async () => {
    rig = new Rig();
    const { key, path } = rig.addKey('a');
    const s = rig.start();
    await s.setPin(path, MARKER_PIN, MARKER_PIN);
    let low: ReturnType<typeof toErrorInfo> | undefined;
    let temp: ReturnType<typeof toErrorInfo> | undefined;
    let blocked: ReturnType<typeof toErrorInfo> | undefined;
    for (let i = 0; i < 12 && !blocked; i++) {
      try {
        await s.changePin(path, `nope-${i}-x`, MARKER_PIN_2, MARKER_PIN_2);
      } catch (e) {
        const info = toErrorInfo(e);
        if (info.code === 'WRONG_PIN' && (info.retriesLeft ?? 99) <= 3) low ??= info;
        if (info.code === 'PIN_TEMPORARILY_BLOCKED') {
          temp ??= info;
          key.unplug();
          key.plug();
        }
        if (info.code === 'PIN_BLOCKED') blocked = info;
      }
    }
    expect(low?.hint).toMatch(/Careful/);
    expect(temp?.hint).toMatch(/[Uu]nplug the key/);
    expect(blocked?.hint).toMatch(/factory reset/);
    expect(blocked?.hint).toMatch(/register/);
  });

  it('the key refusing a new PIN is PIN_REFUSED, and a forced change gives PIN_CHANGE_REQUIRED for tokens', async () => {
    rig = new Rig();
    const { path } = rig.addKey('a');
    const s = rig.start();
    await s.setPin(path, MARKER_PIN, MARKER_PIN);
    await s.updateSettings(path, MARKER_PIN, { forcePINChange: true });
    expect((await s.getKeyInfo(path)).pin.forcePINChange).toBe(true);
    expect(await outcomeOf(s.listPasskeys(path, MARKER_PIN))).toBe('PIN_CHANGE_REQUIRED');
    await s.changePin(path, MARKER_PIN, MARKER_PIN_2, MARKER_PIN_2);
    expect((await s.getKeyInfo(path)).pin.forcePINChange).toBe(false);
  });

  it('never puts the PIN into results, events or errors', async () => {
    rig = new Rig();
    const { path } = rig.addKey('a');
    const s = rig.start();
    const results: unknown[] = [];
    results.push(await s.setPin(path, MARKER_PIN, MARKER_PIN));
    for (const p of [s.changePin(path, MARKER_PIN_2, '11112222', '11112222'), s.setPin(path, MARKER_PIN, MARKER_PIN)]) {
      try {
        await p;
      } catch (e) {
        results.push(toErrorInfo(e), (e as Error).message, (e as Error).stack);
      }
    }
    results.push(await s.getKeyInfo(path), await s.getSupportReport(path));
    const text = rig.transcript(results);
    expect(text).not.toContain(MARKER_PIN);
    expect(text).not.toContain(MARKER_PIN_2);
  });
});

import { describe, expect, it } from 'vitest';
import { Output, formatFields, formatTable } from '../../../src/cli/output.js';
import { ProgressView } from '../../../src/cli/progress.js';

function stream(isTTY = false) {
  const chunks: string[] = [];
  return { isTTY, chunks, write: (s: string) => chunks.push(s), text: () => chunks.join('') };
}

describe('Output', () => {
  it('JSON mode: exactly one document on stdout, errors as {"error": ErrorInfo}', () => {
    const so = stream();
    const se = stream();
    const out = new Output(true, so, se);
    out.say('narrative is hidden when stderr is not a terminal');
    out.result({ a: 1 }, () => 'human');
    expect(JSON.parse(so.text())).toEqual({ a: 1 });
    expect(se.text()).toBe('');
    const so2 = stream();
    new Output(true, so2, stream()).error({ code: 'WRONG_PIN', message: 'That PIN is not correct.', retriesLeft: 7 });
    expect(JSON.parse(so2.text())).toEqual({ error: { code: 'WRONG_PIN', message: 'That PIN is not correct.', retriesLeft: 7 } });
  });

  it('human mode: result on stdout, error with hint and fix on stderr', () => {
    const so = stream();
    const se = stream();
    const out = new Output(false, so, se);
    out.result({ a: 1 }, () => 'done');
    out.error({ code: 'PERMISSION_DENIED', message: 'No access.', hint: 'Run skm doctor.', fix: 'sudo cp x y', ctapStatus: 0x31, ctapStatusName: 'CTAP2_ERR_PIN_INVALID' });
    expect(so.text()).toBe('done\n');
    expect(se.text()).toBe('Error: No access.\nHint: Run skm doctor.\nFix: sudo cp x y\n(key status CTAP2_ERR_PIN_INVALID 0x31)\n');
  });
});

describe('formatting', () => {
  it('aligns table columns and field labels', () => {
    expect(formatTable(['ID', 'NAME'], [['a', 'x'], ['long-id', 'y']])).toBe('ID       NAME\n-------  ----\na        x\nlong-id  y');
    expect(formatFields([['Key', 'v'], ['Skipped', undefined], ['Longer', 'w']])).toBe('Key     v\nLonger  w');
  });
});

describe('ProgressView', () => {
  it('prints "Touch your key…" once per wait when stderr is not a terminal', () => {
    const se = stream();
    const view = new ProgressView(new Output(false, stream(), se));
    view.handle({ type: 'progress', keyId: 'k', operation: 'touch', progress: { step: 'processing' } }, 'k');
    view.handle({ type: 'progress', keyId: 'k', operation: 'touch', progress: { step: 'touch-needed' } }, 'k');
    view.handle({ type: 'progress', keyId: 'k', operation: 'touch', progress: { step: 'touch-needed' } }, 'k');
    view.handle({ type: 'progress', keyId: 'other', operation: 'touch', progress: { step: 'unplug' } }, 'k');
    view.stop();
    expect(se.text()).toBe('Touch your key…\n');
  });

  it('walks the reset wizard: unplug, plug back in, touch with the window left and the long-touch hint', () => {
    const se = stream();
    const view = new ProgressView(new Output(false, stream(), se));
    view.handle({ type: 'reset-status', status: { phase: 'unplug' } });
    view.handle({ type: 'reset-status', status: { phase: 'replug' } });
    view.handle({ type: 'reset-status', status: { phase: 'touch', remainingMs: 9_400, longTouch: true } });
    view.handle({ type: 'reset-status', status: { phase: 'touch', remainingMs: 8_000, longTouch: true } });
    view.stop();
    const text = se.text();
    expect(text).toContain('Unplug your key now.');
    expect(text).toContain('Plug it back in.');
    expect(text).toMatch(/keep your finger on it \(a long touch/);
    expect(text).toContain('Reset window closes in 10 s.');
    expect(text.indexOf('Unplug')).toBeLessThan(text.indexOf('Plug it back'));
  });

  it('counts down in place on a terminal', () => {
    const se = stream(true);
    const view = new ProgressView(new Output(false, stream(), se));
    view.handle({ type: 'progress', keyId: 'k', operation: 'touch', progress: { step: 'touch-needed' } }, 'k');
    view.stop();
    expect(se.text()).toMatch(/^\r\x1b\[2KTouch your key… \(30 s left\)\r\x1b\[2K$/);
  });
});

describe('ProgressView during a reset', () => {
  it('shows each step once, says why it retries, and keeps the reset countdown over touch-needed', () => {
    const se = stream();
    const view = new ProgressView(new Output(false, stream(), se));
    const events: Parameters<ProgressView['handle']>[0][] = [
      { type: 'reset-status', status: { phase: 'unplug' } },
      { type: 'progress', keyId: 'k', operation: 'reset', progress: { step: 'unplug' } },
      { type: 'reset-status', status: { phase: 'replug' } },
      { type: 'progress', keyId: 'k', operation: 'reset', progress: { step: 'replug', windowMs: 10_000 } },
      { type: 'reset-status', status: { phase: 'touch', remainingMs: 10_000 } },
      { type: 'progress', keyId: 'k', operation: 'reset', progress: { step: 'sending' } },
      { type: 'progress', keyId: 'k', operation: 'reset', progress: { step: 'touch-needed' } },
      { type: 'reset-status', status: { phase: 'unplug', outcome: { code: 'RESET_TOO_LATE', message: 'Too late.' } } },
    ];
    for (const e of events) view.handle(e, 'k');
    view.stop();
    expect(se.text()).toBe(
      'Unplug your key now.\nPlug it back in.\nTouch your key now.\nReset window closes in 10 s.\nToo late. Let\'s try again.\nUnplug your key now.\n',
    );
  });
});

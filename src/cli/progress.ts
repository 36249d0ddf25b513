/**
 * Turns the service's progress and reset-status events into what a person at a terminal needs:
 * "Touch your key…" with a countdown while the key waits for user presence (CTAPHID KEEPALIVE
 * UPNEEDED, CTAP 2.1 §11.2.9.1.5), and the reset wizard's steps (§6.6: the 10 s window after power-up).
 * On a terminal the countdown updates in place; elsewhere each step is printed once.
 */
import type { KeyEvent, Progress, ResetStatus } from '../usecases/types.js';
import type { Output } from './output.js';

/** How long the touch test waits for a touch (TOUCH_TIMEOUT_MS in src/usecases/touch.ts; not imported, to keep start-up light). */
export const TOUCH_WAIT_MS = 30_000;

export class ProgressView {
  private timer: NodeJS.Timeout | null = null;
  private inPlace = false;
  private lastStep: string | null = null;
  private lastPhase: string | null = null;

  constructor(private readonly out: Output) {}

  /** Feed every service event here; events for other keys are ignored. */
  handle(event: KeyEvent, keyId?: string): void {
    if (event.type === 'progress') {
      if (keyId && event.keyId !== keyId) return;
      this.onProgress(event.progress);
    } else if (event.type === 'reset-status') {
      this.onResetStatus(event.status);
    }
  }

  /** End any countdown line; call when the operation finishes. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.inPlace) this.out.raw('\r\x1b[2K');
    this.inPlace = false;
  }

  private onProgress(p: Progress): void {
    switch (p.step) {
      case 'touch-needed':
        // During a reset the wizard's own countdown of the reset window is already showing.
        if (this.lastStep === 'touch-needed' || this.lastPhase === 'touch') return;
        this.lastStep = p.step;
        this.countdown(p.longTouch ? 'Touch and hold your key (about 10 seconds)…' : 'Touch your key…', TOUCH_WAIT_MS);
        return;
      case 'processing':
        return;
      // The reset wizard's steps are shown from its reset-status events (onResetStatus); the
      // matching progress events would only repeat them.
      case 'unplug':
      case 'replug':
      case 'sending':
        return;
      case 'countdown':
        if (this.timer) this.showRemaining(p.remainingMs);
        return;
    }
  }

  private onResetStatus(s: ResetStatus): void {
    if (s.phase === 'touch' && s.remainingMs !== undefined && this.lastPhase === 'touch') {
      this.showRemaining(s.remainingMs);
      return;
    }
    if (s.phase === this.lastPhase) return;
    this.lastPhase = s.phase;
    this.stop();
    switch (s.phase) {
      case 'unplug':
        // Back at unplug with an outcome: the last try failed (too late) and the wizard retries.
        if (s.outcome) this.out.say(`${s.outcome.message} Let's try again.`);
        this.out.say('Unplug your key now.');
        break;
      case 'replug':
        this.out.say('Plug it back in.');
        break;
      case 'touch':
        this.out.say(
          s.longTouch
            ? 'Touch your key and keep your finger on it (a long touch, about 10 seconds) until it stops blinking.'
            : 'Touch your key now.',
        );
        if (s.remainingMs !== undefined) this.countdown('Reset window closes in', s.remainingMs, true);
        break;
      default:
        break;
    }
  }

  private remainingUntil = 0;
  private label = '';

  private showRemaining(ms: number): void {
    this.remainingUntil = Date.now() + ms;
    if (!this.timer) this.countdown(this.label || 'Time left', ms, true);
  }

  /** A countdown: in place on a terminal, a single line otherwise. */
  private countdown(label: string, ms: number, labelIsPrefix = false): void {
    this.stop();
    this.label = label;
    this.remainingUntil = Date.now() + ms;
    if (!this.out.stderrIsTTY) {
      this.out.say(labelIsPrefix ? `${label} ${Math.ceil(ms / 1000)} s.` : label);
      return;
    }
    const render = () => {
      const left = Math.max(0, Math.ceil((this.remainingUntil - Date.now()) / 1000));
      this.out.raw(`\r\x1b[2K${labelIsPrefix ? `${label} ${left} s` : `${label} (${left} s left)`}`);
      this.inPlace = true;
    };
    render();
    this.timer = setInterval(render, 250);
    this.timer.unref();
  }
}

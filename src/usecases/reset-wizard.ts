/**
 * The guarded factory reset (CTAP 2.1 §6.6 authenticatorReset) as a state machine that cannot be
 * driven out of order:
 *
 *   idle -> awaiting-confirmation (prepare: one key only, single-use token bound to it)
 *        -> unplug (start: token + both acknowledgements, still the same key, one start at a time)
 *        -> replug (same model, same serial, and no other key attached)
 *        -> touch (reset sent at once on arrival; countdown of the 10 s window)
 *        -> done | failed | cancelled; "too late" goes back to unplug for another try.
 *
 * Keys accept a reset only within seconds of power-up, so the wizard asks for an unplug and a
 * replug, polls fast while waiting for the key to come back, and sends the reset immediately.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { CallOptions, KeepaliveState } from '../ctaphid/device.js';
import { abortableSleep } from '../abortable-sleep.js';
import { CancelledError } from '../errors.js';
import { describeOutcome, RESET_LOSSES, toErrorInfo } from './to-error-info.js';
import type { ErrorInfo, KeySummary, Progress, ResetAcknowledgement, ResetPhase, ResetPreparation, ResetStatus } from './types.js';
import { UseCaseError } from './use-case-error.js';

export interface ResetTarget {
  modelName: string;
  longTouchForReset: boolean;
}

export interface ResetWizardDeps {
  /** A fresh list of attached keys (polls the providers now). */
  listKeys(): Promise<KeySummary[]>;
  /** Read what the reset screen shows about a key (opens it; throws for U2F-only keys). */
  describe(keyId: string): Promise<ResetTarget>;
  /** Open the (re)attached key and send authenticatorReset. */
  sendReset(keyId: string, opts: CallOptions): Promise<void>;
  /** reset-status events. */
  emitStatus(status: ResetStatus): void;
  /** progress events (unplug, replug, countdown, touch-needed). */
  emitProgress?(keyId: string, progress: Progress): void;
}

export interface ResetWizardOptions {
  /** The key's reset window after power-up (CTAP 2.1 §6.6: 10 s). */
  windowMs?: number;
  /** How long a confirmation token stays valid (10 minutes). */
  tokenTtlMs?: number;
  /** How long to wait for the unplug and for the replug (2 minutes each). */
  waitTimeoutMs?: number;
  /** Poll interval while waiting for the unplug. */
  unplugPollMs?: number;
  /** Poll interval while waiting for the key to come back: fast, so the reset goes out well within 300 ms. */
  replugPollMs?: number;
  /** Countdown event interval during 'touch'. */
  countdownTickMs?: number;
  /** "Too late" retries before giving up. */
  maxAttempts?: number;
  now?: () => number;
}

const ACTIVE: ReadonlySet<ResetPhase> = new Set(['unplug', 'replug', 'touch']);

/** Allowed transitions; anything else is a bug or an out-of-order call and is refused. */
const TRANSITIONS: Record<ResetPhase, ResetPhase[]> = {
  idle: ['awaiting-confirmation'],
  'awaiting-confirmation': ['awaiting-confirmation', 'unplug', 'cancelled'],
  unplug: ['replug', 'failed', 'cancelled'],
  replug: ['touch', 'failed', 'cancelled'],
  touch: ['done', 'unplug', 'failed', 'cancelled'],
  done: ['awaiting-confirmation'],
  failed: ['awaiting-confirmation'],
  cancelled: ['awaiting-confirmation'],
};

interface Identity {
  vendorId: number;
  productId: number;
  serialNumber?: string;
}

interface PendingToken {
  value: Buffer;
  keyId: string;
  /** The key the user confirmed: a freed device path (/dev/hidrawN) can be handed to the next key plugged in. */
  identity: Identity;
  expiresAt: number;
}

function identityOf(k: Identity): Identity {
  return { vendorId: k.vendorId, productId: k.productId, ...(k.serialNumber ? { serialNumber: k.serialNumber } : {}) };
}

/** Same model, and the same serial where the key exposes one. */
export function sameKey(a: Identity, b: Identity): boolean {
  if (a.vendorId !== b.vendorId || a.productId !== b.productId) return false;
  if (a.serialNumber || b.serialNumber) return a.serialNumber === b.serialNumber;
  return true;
}

export class ResetWizard {
  private phase: ResetPhase = 'idle';
  private keyId: string | undefined;
  private remainingMs: number | undefined;
  private longTouch: boolean | undefined;
  private outcome: ErrorInfo | undefined;
  private token: PendingToken | undefined;
  private target: ResetTarget | undefined;
  private controller: AbortController | undefined;
  /** Set while start() checks the keys, before the reset runs: a second start or a prepare is refused meanwhile. */
  private starting = false;
  private readonly o: Required<ResetWizardOptions>;

  constructor(
    private readonly deps: ResetWizardDeps,
    opts: ResetWizardOptions = {},
  ) {
    this.o = {
      windowMs: opts.windowMs ?? 10_000,
      tokenTtlMs: opts.tokenTtlMs ?? 10 * 60_000,
      waitTimeoutMs: opts.waitTimeoutMs ?? 2 * 60_000,
      unplugPollMs: opts.unplugPollMs ?? 250,
      replugPollMs: opts.replugPollMs ?? 50,
      countdownTickMs: opts.countdownTickMs ?? 1_000,
      maxAttempts: opts.maxAttempts ?? 3,
      now: opts.now ?? Date.now,
    };
  }

  get status(): ResetStatus {
    const s: ResetStatus = { phase: this.phase };
    if (this.keyId !== undefined) s.keyId = this.keyId;
    if (this.remainingMs !== undefined) s.remainingMs = this.remainingMs;
    if (this.longTouch !== undefined) s.longTouch = this.longTouch;
    if (this.outcome !== undefined) s.outcome = this.outcome;
    return s;
  }

  get isActive(): boolean {
    return ACTIVE.has(this.phase);
  }

  /** Step 1: check there is exactly this one key, and hand out a confirmation token and the losses. */
  async prepare(keyId: string): Promise<ResetPreparation> {
    if (this.isActive || this.starting) throw new UseCaseError('INVALID_STATE', 'A reset is already in progress.', { hint: 'Finish or cancel it first.' });
    const keys = await this.deps.listKeys();
    const key = keys.find((k) => k.id === keyId);
    if (!key) throw new UseCaseError('KEY_NOT_FOUND', 'That security key is not plugged in.');
    if (keys.length > 1) {
      throw new UseCaseError('MULTIPLE_KEYS', 'More than one security key is plugged in, so a reset could hit the wrong one.', {
        hint: 'Unplug every key except the one you want to reset.',
      });
    }
    const target = await this.deps.describe(keyId);
    const value = randomBytes(32);
    this.token = { value, keyId, identity: identityOf(key), expiresAt: this.o.now() + this.o.tokenTtlMs };
    this.target = target;
    this.to('awaiting-confirmation', { keyId, clear: true });
    return {
      confirmationToken: value.toString('base64url'),
      keyId,
      modelName: target.modelName,
      windowMs: this.o.windowMs,
      longTouchForReset: target.longTouchForReset,
      losses: [...RESET_LOSSES],
    };
  }

  /**
   * Step 2: with the token and both acknowledgements, run unplug -> replug -> touch. Resolves
   * with the final status (done, failed or cancelled, also for a cancel while the keys are being
   * checked); refusals throw before anything happens.
   */
  async start(keyId: string, ack: ResetAcknowledgement): Promise<ResetStatus> {
    if (this.isActive || this.starting) throw new UseCaseError('INVALID_STATE', 'A reset is already in progress.');
    const pending = this.checkToken(keyId, ack);
    if (ack.understandsLoss !== true || ack.hasBackupSignIn !== true) {
      throw new UseCaseError('RESET_NOT_CONFIRMED', 'The reset was not started: both confirmations are needed.', {
        hint: 'Confirm that you understand what a reset erases and that you have another way to sign in (an authenticator app or a second key). If you have no other way, ask your Local Administrator first.',
      });
    }
    // Only one start at a time: without this, two starts could both pass the token check above
    // while waiting for the key list, and both run.
    this.starting = true;
    let keys: KeySummary[];
    try {
      keys = await this.deps.listKeys();
    } finally {
      this.starting = false;
    }
    // A cancel (or anything else) may have happened during that wait.
    if (this.phase === 'cancelled') return this.status;
    if (this.phase !== 'awaiting-confirmation' || this.token !== pending) {
      throw new UseCaseError('RESET_NOT_CONFIRMED', 'The reset was not started: the confirmation is no longer valid.', { hint: 'Prepare the reset again and confirm it.' });
    }
    const key = keys.find((k) => k.id === keyId);
    if (!key) throw new UseCaseError('KEY_NOT_FOUND', 'That security key is not plugged in any more.', { hint: 'Plug it in and prepare the reset again.' });
    if (!sameKey(key, pending.identity)) {
      this.token = undefined; // the confirmation was for the other key: withdraw it
      throw new UseCaseError('RESET_NOT_CONFIRMED', 'The reset was not started: a different key is plugged in now.', { hint: 'Prepare the reset again.' });
    }
    if (keys.length > 1) throw new UseCaseError('MULTIPLE_KEYS', 'More than one security key is plugged in.', { hint: 'Unplug every other key, then start again.' });
    this.token = undefined; // single use: consumed by a start that goes ahead
    const controller = new AbortController();
    this.controller = controller;
    try {
      return await this.run(key, controller.signal);
    } finally {
      if (this.controller === controller) this.controller = undefined;
    }
  }

  /** Cancel a pending confirmation or a running reset. */
  cancel(): void {
    if (this.phase === 'awaiting-confirmation') {
      this.token = undefined;
      this.to('cancelled', { outcome: describeOutcome('CANCELLED', { message: 'The reset was cancelled. Nothing was erased.' }) });
      return;
    }
    this.controller?.abort();
  }

  private checkToken(keyId: string, ack: ResetAcknowledgement): PendingToken {
    const t = this.token;
    const notConfirmed = (message: string) =>
      new UseCaseError('RESET_NOT_CONFIRMED', message, { hint: 'Prepare the reset again and confirm it.' });
    if (this.phase !== 'awaiting-confirmation' || !t) throw notConfirmed('The reset was not started: it has not been prepared and confirmed.');
    const given = typeof ack?.confirmationToken === 'string' ? Buffer.from(ack.confirmationToken, 'base64url') : Buffer.alloc(0);
    if (given.length !== t.value.length || !timingSafeEqual(given, t.value)) throw notConfirmed('The reset was not started: the confirmation does not match.');
    if (t.keyId !== keyId) throw notConfirmed('The reset was not started: the confirmation was given for another key.');
    if (this.o.now() > t.expiresAt) {
      this.token = undefined;
      throw notConfirmed('The reset was not started: the confirmation has expired.');
    }
    return t;
  }

  private async run(original: KeySummary, signal: AbortSignal): Promise<ResetStatus> {
    const identity = identityOf(original);
    let goneId = original.id;
    try {
      for (let attempt = 1; ; attempt++) {
        if (this.phase !== 'unplug') this.to('unplug', { keyId: goneId });
        this.deps.emitProgress?.(goneId, { step: 'unplug' });
        await this.waitFor(signal, this.o.unplugPollMs, (keys) => !keys.some((k) => k.id === goneId || sameKey(k, identity)) || undefined);

        this.to('replug', { keyId: goneId });
        this.deps.emitProgress?.(goneId, { step: 'replug', windowMs: this.o.windowMs });
        const back = await this.waitFor(signal, this.o.replugPollMs, (keys) => {
          const hit = keys.find((k) => sameKey(k, identity));
          // With another key attached, keys of one model without serials cannot be told apart: never guess which to erase.
          if (hit && keys.length > 1) {
            throw new UseCaseError('MULTIPLE_KEYS', 'More than one security key is plugged in, so the reset was not sent.', {
              hint: 'Nothing was erased. Unplug every other key and start again.',
            });
          }
          return hit;
        });
        const arrivedAt = this.o.now();
        goneId = back.id;

        const result = await this.resetNow(back.id, arrivedAt, signal);
        if (result === 'done') {
          this.to('done', { keyId: back.id });
          return this.status;
        }
        if (result.code === 'RESET_TOO_LATE' && attempt < this.o.maxAttempts) {
          // Back to unplug with the reason shown; the user already confirmed, so no new token.
          this.to('unplug', { keyId: back.id, outcome: result });
          continue;
        }
        this.to(result.code === 'CANCELLED' ? 'cancelled' : 'failed', { keyId: back.id, outcome: result });
        return this.status;
      }
    } catch (e) {
      const info = toErrorInfo(e, 'reset');
      this.to(info.code === 'CANCELLED' ? 'cancelled' : 'failed', { outcome: info.code === 'CANCELLED' ? cancelledInfo() : info });
      return this.status;
    }
  }

  /** Send the reset straight away and count the window down while the key waits for a touch. */
  private async resetNow(keyId: string, arrivedAt: number, signal: AbortSignal): Promise<'done' | ErrorInfo> {
    const longTouch = this.target?.longTouchForReset ?? false;
    const remaining = () => Math.max(0, this.o.windowMs - (this.o.now() - arrivedAt));
    this.to('touch', { keyId, remainingMs: remaining(), longTouch });
    const tick = setInterval(() => {
      const r = remaining();
      this.remainingMs = r;
      this.deps.emitStatus(this.status);
      this.deps.emitProgress?.(keyId, { step: 'countdown', remainingMs: r });
      if (r === 0) clearInterval(tick);
    }, this.o.countdownTickMs);
    const onKeepalive = (s: KeepaliveState) => {
      if (s === 'up-needed') this.deps.emitProgress?.(keyId, { step: 'touch-needed', ...(longTouch ? { longTouch } : {}) });
    };
    try {
      this.deps.emitProgress?.(keyId, { step: 'sending' });
      await this.deps.sendReset(keyId, { signal, onKeepalive });
      return 'done';
    } catch (e) {
      if (signal.aborted) return cancelledInfo();
      return toErrorInfo(e, 'reset');
    } finally {
      clearInterval(tick);
    }
  }

  /** Poll until `found` returns a value; TIMEOUT after waitTimeoutMs, CancelledError on cancel. */
  private async waitFor<T>(signal: AbortSignal, everyMs: number, found: (keys: KeySummary[]) => T | undefined): Promise<T> {
    const deadline = this.o.now() + this.o.waitTimeoutMs;
    for (;;) {
      if (signal.aborted) throw new CancelledError();
      const hit = found(await this.deps.listKeys());
      if (hit !== undefined) return hit;
      if (this.o.now() >= deadline) {
        throw new UseCaseError('TIMEOUT', this.phase === 'unplug' ? 'The key was not unplugged in time, so it was not reset.' : 'The key was not plugged back in time, so it was not reset.', {
          hint: 'Nothing was erased. Start again when you are ready.',
        });
      }
      if (await abortableSleep(everyMs, signal)) throw new CancelledError();
    }
  }

  private to(
    phase: ResetPhase,
    s: { keyId?: string; remainingMs?: number; longTouch?: boolean; outcome?: ErrorInfo; clear?: boolean } = {},
  ): void {
    if (!TRANSITIONS[this.phase].includes(phase)) {
      throw new UseCaseError('INVALID_STATE', `The reset cannot go from ${this.phase} to ${phase}.`);
    }
    this.phase = phase;
    if (s.keyId !== undefined) this.keyId = s.keyId;
    this.remainingMs = s.remainingMs;
    this.longTouch = s.longTouch;
    this.outcome = s.outcome;
    this.deps.emitStatus(this.status);
  }
}

function cancelledInfo(): ErrorInfo {
  return describeOutcome('CANCELLED', { message: 'The reset was cancelled.' });
}

/**
 * Scriptable user presence (CTAP 2.1 §6.5.1 "user presence", §11.2.9.2.1 KEEPALIVE UP_NEEDED):
 * the software key's "button". A policy decides how a request for presence ends; 'manual' waits
 * for touch() or refuse() so a demo UI or a test can play the user.
 */

/** How the next requests for user presence are answered. */
export type PresencePolicy =
  | { kind: 'approve' }
  | { kind: 'approve-after'; ms: number }
  | { kind: 'deny' }
  | { kind: 'never' }
  | { kind: 'manual' };

/** approved: the user touched; denied: the user refused; timeout: nobody touched; cancelled: the host sent CANCEL. */
export type PresenceOutcome = 'approved' | 'denied' | 'timeout' | 'cancelled';

interface Pending {
  finish: (outcome: PresenceOutcome) => void;
}

/** The key's touch sensor. One request at a time (the CTAPHID layer serialises commands). */
export class UserPresence {
  private policy: PresencePolicy;
  private pending: Pending | null = null;
  private readonly listeners = new Set<(waiting: boolean) => void>();

  constructor(
    policy: PresencePolicy = { kind: 'approve' },
    /** How long the key blinks before giving up (USER_ACTION_TIMEOUT). */
    public timeoutMs = 30_000,
  ) {
    this.policy = policy;
  }

  setPolicy(policy: PresencePolicy): void {
    this.policy = policy;
  }

  get currentPolicy(): PresencePolicy {
    return this.policy;
  }

  /** True while the key is blinking for a touch. */
  get waiting(): boolean {
    return this.pending !== null;
  }

  /** The user touches the key: approves the pending request (ignored when nothing is pending). */
  touch(): void {
    this.pending?.finish('approved');
  }

  /** The user declines (on real keys: a deliberate refusal, e.g. a long press on a "no" button). */
  refuse(): void {
    this.pending?.finish('denied');
  }

  /** Subscribe to "blinking" changes; returns an unsubscribe function. */
  onRequest(listener: (waiting: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Ask for presence; resolves with how it ended. Never rejects. */
  request(signal?: AbortSignal): Promise<PresenceOutcome> {
    if (signal?.aborted) return Promise.resolve('cancelled');
    const policy = this.policy;
    if (policy.kind === 'approve') return Promise.resolve('approved');
    if (policy.kind === 'deny') return Promise.resolve('denied');
    if (this.pending) this.pending.finish('cancelled');
    return new Promise<PresenceOutcome>((resolve) => {
      const timers: NodeJS.Timeout[] = [];
      const onAbort = (): void => finish('cancelled');
      const finish = (outcome: PresenceOutcome): void => {
        if (this.pending !== pending) return;
        this.pending = null;
        for (const t of timers) clearTimeout(t);
        signal?.removeEventListener('abort', onAbort);
        this.emit(false);
        resolve(outcome);
      };
      const pending: Pending = { finish };
      this.pending = pending;
      signal?.addEventListener('abort', onAbort);
      timers.push(setTimeout(() => finish('timeout'), this.timeoutMs));
      if (policy.kind === 'approve-after') timers.push(setTimeout(() => finish('approved'), policy.ms));
      this.emit(true);
    });
  }

  /** Drop a pending request without an answer (power loss). */
  abandon(): void {
    this.pending?.finish('cancelled');
  }

  private emit(waiting: boolean): void {
    for (const l of [...this.listeners]) l(waiting);
  }
}

/**
 * A faithful software CTAP 2.1 security key (CTAP 2.1 §6 authenticator API over §11.2 CTAPHID),
 * usable wherever a HID device is: the in-memory transport, the UDP simulator, tests. It has a
 * scriptable touch sensor, a power switch (unplug/plug) and a fault injector, and keeps its
 * non-volatile state in a StateStore.
 */
import { randomBytes } from 'node:crypto';
import { Capability, KeepaliveStatus } from '../ctaphid/framing.js';
import type { VirtualHidDevice } from '../transport/virtual-device.js';
import { b64url } from './credential-crypto.js';
import { handleCtap2 } from './ctap2-dispatch.js';
import { CtapHidServer } from './ctaphid-server.js';
import { type DeviceContext, MAX_PIN_RETRIES, VolatileState } from './device-context.js';
import { FaultInjector } from './faults.js';
import { type PresencePolicy, UserPresence } from './presence.js';
import { type AuthenticatorProfile, resolveProfile } from './profiles.js';
import { MemoryStore, type PersistentState, type StateStore } from './state-store.js';
import { U2fApplet } from './u2f.js';

export interface SoftwareAuthenticatorOptions {
  profile?: 'ctap21' | 'ctap20' | 'u2f' | AuthenticatorProfile;
  store?: StateStore;
  /** A policy for the key's own sensor, or a sensor the caller already holds (e.g. a demo UI). */
  presence?: PresencePolicy | UserPresence;
  /** authenticatorReset is allowed this long after power-up (default 10 s, §6.6). */
  resetWindowMs?: number;
  /** Device clock (ms); tests move it to leave the reset window without waiting. */
  now?: () => number;
  /** How long a presence request blinks before USER_ACTION_TIMEOUT (default 30 s). */
  presenceTimeoutMs?: number;
  /** An incomplete CTAPHID message is dropped with ERR_MSG_TIMEOUT after this long (default 500 ms). */
  messageTimeoutMs?: number;
  /** KEEPALIVE period while a request is pending (default 80 ms; the spec asks for ≤ 100 ms). */
  keepaliveIntervalMs?: number;
}

/** What the demo UI and tests can see of a key without talking CTAP to it. Never includes secrets. */
export interface AuthenticatorSnapshot {
  pinSet: boolean;
  pinRetries: number;
  powerCycleBlocked: boolean;
  minPinLength: number;
  forcePinChange: boolean;
  alwaysUv: boolean;
  credentials: { rpId: string; userName?: string; userDisplayName?: string; credentialId: Uint8Array }[];
  pluggedIn: boolean;
  msSincePowerUp: number;
}

/** A CTAP 2.1 (or 2.0, or U2F-only) key implemented in software. */
export class SoftwareAuthenticator implements VirtualHidDevice {
  readonly profile: AuthenticatorProfile;
  readonly presence: UserPresence;
  readonly faults: FaultInjector;
  private readonly store: StateStore;
  private readonly now: () => number;
  private readonly resetWindowMs: number;
  private state: PersistentState;
  private volatile = new VolatileState();
  private readonly server: CtapHidServer;
  private readonly u2f: U2fApplet;
  private powerUpAt: number;
  private plugged = true;
  private readonly reportListeners = new Set<(report: Uint8Array) => void>();
  private readonly disconnectListeners = new Set<() => void>();
  private readonly winkListeners = new Set<() => void>();

  constructor(opts: SoftwareAuthenticatorOptions = {}) {
    this.profile = resolveProfile(opts.profile);
    this.store = opts.store ?? new MemoryStore();
    this.now = opts.now ?? Date.now;
    this.resetWindowMs = opts.resetWindowMs ?? 10_000;
    if (opts.presence instanceof UserPresence) {
      this.presence = opts.presence;
      if (opts.presenceTimeoutMs !== undefined) this.presence.timeoutMs = opts.presenceTimeoutMs;
    } else {
      this.presence = new UserPresence(opts.presence ?? { kind: 'approve' }, opts.presenceTimeoutMs ?? 30_000);
    }
    this.faults = new FaultInjector(this.now);
    const loaded = this.store.load();
    this.state = loaded ?? freshState(this.profile);
    if (!loaded) this.store.save(this.state);
    this.powerUpAt = this.now();

    this.u2f = new U2fApplet(() => ({
      state: this.state,
      save: () => this.store.save(this.state),
      presence: this.presence,
      now: this.now,
      productName: this.profile.product,
    }));
    const fw = this.profile.firmwareVersion;
    let capabilities = Capability.WINK;
    if (!this.profile.u2fOnly) capabilities |= Capability.CBOR;
    this.server = new CtapHidServer({
      capabilities,
      deviceVersion: [(fw >> 16) & 0xff, (fw >> 8) & 0xff, fw & 0xff],
      send: (report) => this.emit(report),
      disconnect: () => this.unplug(),
      cbor: (request, signal) => handleCtap2(this.context(signal), request),
      msg: async (apdu) => this.u2f.handle(apdu),
      wink: () => {
        for (const l of [...this.winkListeners]) l();
      },
      keepaliveStatus: () => (this.presence.waiting ? KeepaliveStatus.UPNEEDED : KeepaliveStatus.PROCESSING),
      faults: this.faults,
      messageTimeoutMs: opts.messageTimeoutMs ?? 500,
      keepaliveIntervalMs: opts.keepaliveIntervalMs ?? 80,
    });
    // Tell the host "touch me" at once rather than at the next keepalive tick.
    this.presence.onRequest((waiting) => {
      if (waiting) this.server.nudgeKeepalive();
    });
  }

  get connected(): boolean {
    return this.plugged;
  }

  receive(report: Uint8Array): void {
    if (!this.plugged) return;
    this.server.receive(report);
  }

  onReport(listener: (report: Uint8Array) => void): () => void {
    this.reportListeners.add(listener);
    return () => this.reportListeners.delete(listener);
  }

  onDisconnect(listener: () => void): () => void {
    this.disconnectListeners.add(listener);
    return () => this.disconnectListeners.delete(listener);
  }

  /** CTAPHID_WINK: the key flashes its light. */
  onWink(listener: () => void): () => void {
    this.winkListeners.add(listener);
    return () => this.winkListeners.delete(listener);
  }

  /** Pull the key out: the pending request is dropped and volatile state is lost. */
  unplug(): void {
    if (!this.plugged) return;
    this.plugged = false;
    this.server.powerOff();
    this.presence.abandon();
    this.u2f.powerOff();
    this.volatile = new VolatileState();
    for (const l of [...this.disconnectListeners]) l();
  }

  /** Plug the key back in: new key agreement keys and token, PIN_AUTH_BLOCKED cleared, reset window restarts. */
  plug(): void {
    if (this.plugged) return;
    this.volatile = new VolatileState();
    this.powerUpAt = this.now();
    this.server.powerOn();
    this.plugged = true;
  }

  snapshot(): AuthenticatorSnapshot {
    return {
      pinSet: this.state.pinHash !== undefined,
      pinRetries: this.state.pinRetries,
      powerCycleBlocked: this.volatile.pinAuthBlocked,
      minPinLength: this.state.minPinLength,
      forcePinChange: this.state.forcePinChange,
      alwaysUv: this.state.alwaysUv,
      credentials: this.state.credentials.map((c) => ({
        rpId: c.rpId,
        userName: c.userName,
        userDisplayName: c.userDisplayName,
        credentialId: new Uint8Array(Buffer.from(c.credentialId, 'base64url')),
      })),
      pluggedIn: this.plugged,
      msSincePowerUp: this.now() - this.powerUpAt,
    };
  }

  private emit(report: Uint8Array): void {
    if (!this.plugged) return;
    for (const l of [...this.reportListeners]) l(Uint8Array.from(report));
  }

  private context(signal: AbortSignal): DeviceContext {
    // Bound to the volatile state of this power-up: a request outliving an unplug cannot touch the next one.
    const volatile = this.volatile;
    return {
      profile: this.profile,
      state: this.state,
      volatile,
      presence: this.presence,
      signal,
      now: this.now,
      msSincePowerUp: () => this.now() - this.powerUpAt,
      resetWindowMs: this.resetWindowMs,
      save: () => this.store.save(this.state),
      eraseAll: () => {
        const fresh = freshState(this.profile);
        // Mutate in place so the running request's context sees the erased state too.
        for (const key of Object.keys(this.state) as (keyof PersistentState)[]) delete this.state[key];
        Object.assign(this.state, fresh);
        this.store.save(this.state);
        this.volatile = new VolatileState();
      },
    };
  }
}

function freshState(profile: AuthenticatorProfile): PersistentState {
  return {
    version: 1,
    pinRetries: MAX_PIN_RETRIES,
    minPinLength: profile.defaultMinPinLength,
    minPinLengthRpIds: [],
    forcePinChange: false,
    alwaysUv: false,
    signCount: 0,
    wrapKey: b64url(randomBytes(32)),
    credentials: [],
  };
}

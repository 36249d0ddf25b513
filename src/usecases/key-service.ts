/**
 * KeyService: every method of the app's IPC contract (SkmService there) over the engine. It owns the
 * open devices (one CtapHidDevice + Ctap2 session per key, reopened after an unplug), runs one
 * operation per key at a time (a second gets KEY_BUSY), turns CTAPHID KEEPALIVE (CTAP 2.1
 * §11.2.9.2.1) into progress events, cancels on request (CTAPHID_CANCEL via AbortSignal) and
 * closes cleanly. Loads lazily: node-hid and the software authenticator only when first needed.
 */
import pkg from '../../package.json' with { type: 'json' };
import { type CallOptions, CtapHidDevice, type KeepaliveState } from '../ctaphid/device.js';
import { Permission, type PinUvAuthToken } from '../ctap2/client-pin.js';
import { ClientPin } from '../ctap2/client-pin.js';
import { Ctap2 } from '../ctap2/ctap2.js';
import { reset } from '../ctap2/reset.js';
import { CancelledError, CtapError, DisconnectedError, NativeLibraryMissingError, PermissionDeniedError } from '../errors.js';
import { CtapStatus } from '../ctap2/status.js';
import type { DeviceProvider } from '../transport/connection.js';
import { runDoctor as runDoctorChecks } from './doctor.js';
import { isAllowedExternalUrl } from './external-links.js';
import { buildKeyInfo } from './key-info.js';
import { type KeysChange, KeyWatcher, type WatchedProvider } from './key-watcher.js';
import { deletePasskeyOnKey, PasskeySessions, readPasskeys, requireCredentialManagement } from './passkeys.js';
import { asUseCaseError, changePin as changePinOnKey, checkNewPin, setPin as setPinOnKey, tokenWithPin } from './pin.js';
import { ResetWizard, type ResetWizardOptions } from './reset-wizard.js';
import { updateSettings as updateSettingsOnKey } from './settings.js';
import { createSoftwareKey, type SoftwareKeyHandle } from './software-keys.js';
import { buildSupportReport } from './support-report.js';
import { touchTest as touchTestOnKey, u2fTouchTest, wink as winkOnKey } from './touch.js';
import type { ErrorContext } from './to-error-info.js';
import type {
  AppState,
  DoctorReport,
  KeyEvent,
  KeyInfo,
  KeySettingsResult,
  KeySummary,
  OrgProfileState,
  PasskeyList,
  PinChangeResult,
  Progress,
  ResetAcknowledgement,
  ResetPreparation,
  ResetStatus,
  SettingsChange,
} from './types.js';
import { UseCaseError } from './use-case-error.js';

export interface KeyServiceOptions {
  /** node-hid provider (default true). */
  usb?: boolean;
  /** A key at a HID-over-UDP address. */
  udp?: { device: { host: string; port: number }; listen: { host: string; port: number } };
  /** An in-process software key that approves touches by itself (CLI --simulator). */
  simulator?: boolean | { profile?: 'ctap21' | 'ctap20' | 'u2f' };
  /** Demo mode: the built-in software key with manual touches; the state file keeps its PIN between runs. */
  demo?: { stateFile?: string; enabled?: boolean };
  /** An administrator's organisation profile (JSON). */
  orgProfilePath?: string;
  /** Watcher poll interval (default 250 ms). */
  pollIntervalMs?: number;
  /** Tests / bridge: in-memory software keys. */
  extraProviders?: DeviceProvider[];
  /** Tests: timings of the reset wizard. */
  reset?: ResetWizardOptions;
  /** Tests: idle lifetime of a passkey session (default 5 minutes). */
  passkeySessionIdleMs?: number;
  /** Where this install keeps its Linux udev rule, so permission fixes name the right file. */
  udevRulePath?: string;
}

interface OpenKey {
  device: CtapHidDevice;
  /** undefined for U2F-only keys. */
  ctap2?: Ctap2;
}

interface Running {
  operation: string;
  controller: AbortController;
}

/** Errors after which the connection is not trusted any more: close it and reopen next time. */
const CONNECTION_LOST = new Set(['KEY_DISCONNECTED', 'TRANSPORT', 'PROTOCOL', 'TIMEOUT']);

export class KeyService {
  private readonly listeners = new Set<(event: KeyEvent) => void>();
  private readonly open = new Map<string, Promise<OpenKey>>();
  private readonly running = new Map<string, Running>();
  private readonly sessions: PasskeySessions;
  private readonly watcher: KeyWatcher;
  private readonly wizard: ResetWizard;
  private providers: WatchedProvider[] = [];
  private providersReady: Promise<void> | undefined;
  private demo: SoftwareKeyHandle | undefined;
  private demoEnabled: boolean;
  /** Why the demo key could not start, while demo mode is off because of it. */
  private demoError: UseCaseError | undefined;
  private orgProfile: Promise<OrgProfileState> | undefined;
  private providerError: unknown;
  private stopWatching: (() => void) | undefined;
  private closed = false;

  constructor(private readonly opts: KeyServiceOptions = {}) {
    this.demoEnabled = opts.demo?.enabled === true;
    this.sessions = new PasskeySessions(opts.passkeySessionIdleMs);
    this.watcher = new KeyWatcher(() => this.activeProviders(), opts.pollIntervalMs ?? 250, (e) => {
      this.providerError = e;
    });
    this.watcher.observe((change) => this.keysChanged(change));
    this.wizard = new ResetWizard(
      {
        listKeys: () => this.freshKeys(),
        describe: (keyId) =>
          this.exclusive(keyId, 'prepare-reset', 'reset', async (k) => {
            const ctap2 = this.requireCtap2(k, 'A U2F-only key cannot be factory reset from this app.');
            const info = await ctap2.refreshInfo();
            const summary = this.summaryOf(keyId);
            return { modelName: buildKeyInfo({ summary, init: k.device.init, info }).model.name, longTouchForReset: info.longTouchForReset };
          }),
        sendReset: (keyId, o) =>
          this.exclusive(keyId, 'reset', 'reset', async (k, own) => {
            const ctap2 = this.requireCtap2(k, 'A U2F-only key cannot be factory reset from this app.');
            const signal = o.signal ? AbortSignal.any([o.signal, own.signal!]) : own.signal;
            await reset(ctap2, { signal, onKeepalive: o.onKeepalive });
            this.sessions.closeForKey(keyId);
          }, { rethrowRaw: true }),
        emitStatus: (status) => this.emit({ type: 'reset-status', status }),
        emitProgress: (keyId, progress) => this.emit({ type: 'progress', keyId, operation: 'reset', progress }),
      },
      opts.reset,
    );
  }

  // ---- events and key list ----

  onEvent(listener: (event: KeyEvent) => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1 && !this.closed) {
      void this.ensureProviders().then(() => {
        if (this.listeners.size > 0 && !this.stopWatching && !this.closed) this.stopWatching = this.watcher.onChange(() => {});
      });
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        this.stopWatching?.();
        this.stopWatching = undefined;
      }
    };
  }

  async listKeys(): Promise<KeySummary[]> {
    const keys = await this.freshKeys();
    const err = this.providerError;
    if (keys.length === 0 && (err instanceof NativeLibraryMissingError || err instanceof PermissionDeniedError)) throw asUseCaseError(err);
    return keys;
  }

  async getAppState(): Promise<AppState> {
    return { version: pkg.version, platform: process.platform, demoMode: this.demoEnabled };
  }

  // ---- key info ----

  async getKeyInfo(keyId: string): Promise<KeyInfo> {
    return this.exclusive(keyId, 'info', 'general', async (k, o) => {
      const summary = this.summaryOf(keyId);
      if (!k.ctap2) return buildKeyInfo({ summary, init: k.device.init });
      const info = await k.ctap2.refreshInfo(o);
      let retries: { retries: number; powerCycleState?: boolean } | undefined;
      if (ClientPin.isSupported(info)) {
        try {
          retries = await new ClientPin(k.ctap2).getPinRetries(o);
        } catch (e) {
          if (e instanceof DisconnectedError) throw e;
        }
      }
      return buildKeyInfo({ summary, init: k.device.init, info, ...(retries ? { retries } : {}) });
    });
  }

  async getSupportReport(keyId: string): Promise<string> {
    const info = await this.getKeyInfo(keyId);
    const { profile } = await this.getOrgProfile();
    return buildSupportReport(info, { appVersion: pkg.version, platform: `${process.platform} ${process.arch}, Node ${process.versions.node}`, profile });
  }

  // ---- PIN ----

  async setPin(keyId: string, newPin: string, confirmPin: string): Promise<PinChangeResult> {
    checkNewPin(newPin, confirmPin, 4); // mismatch and basic rules before anything is sent
    return this.exclusive(keyId, 'set-pin', 'pin', (k, o) => setPinOnKey(this.requireCtap2(k), newPin, confirmPin, o));
  }

  async changePin(keyId: string, currentPin: string, newPin: string, confirmPin: string): Promise<PinChangeResult> {
    checkNewPin(newPin, confirmPin, 4, undefined, currentPin);
    return this.exclusive(keyId, 'change-pin', 'pin', (k, o) => changePinOnKey(this.requireCtap2(k), currentPin, newPin, confirmPin, o));
  }

  // ---- touch and identify ----

  async touchTest(keyId: string): Promise<{ outcome: 'touched' }> {
    return this.exclusive(keyId, 'touch-test', 'touch', (k, o) => (k.ctap2 ? touchTestOnKey(k.ctap2, o) : u2fTouchTest(k.device, o)));
  }

  async wink(keyId: string): Promise<void> {
    return this.exclusive(keyId, 'wink', 'general', (k, o) => winkOnKey(k.device, o));
  }

  /** Ask every listed key for a touch at once; the first touched wins and the others are cancelled. */
  async pickByTouch(keyIds: string[]): Promise<{ keyId: string }> {
    if (!Array.isArray(keyIds) || keyIds.length === 0 || !keyIds.every((k) => typeof k === 'string') || new Set(keyIds).size !== keyIds.length) {
      throw new UseCaseError('INVALID_ARGUMENT', 'Give one or more different keys to choose from.');
    }
    for (const id of keyIds) if (this.running.has(id)) throw this.busyError(id);
    return new Promise((resolve, reject) => {
      let winner: string | undefined;
      const failures: UseCaseError[] = [];
      for (const id of keyIds) {
        this.touchTest(id).then(
          () => {
            if (winner !== undefined) return;
            winner = id;
            for (const other of keyIds) if (other !== id) void this.cancel(other);
            resolve({ keyId: id });
          },
          (e: unknown) => {
            failures.push(asUseCaseError(e, 'touch'));
            if (winner === undefined && failures.length === keyIds.length) {
              reject(failures.find((f) => f.outcome !== 'CANCELLED') ?? failures[0]);
            }
          },
        );
      }
    });
  }

  async cancel(keyId: string): Promise<void> {
    this.running.get(keyId)?.controller.abort();
  }

  // ---- passkeys ----

  async listPasskeys(keyId: string, pin: string): Promise<{ session: string; list: PasskeyList }> {
    return this.exclusive(keyId, 'passkeys', 'token', async (k, o) => {
      const { token, list } = await this.readPasskeysWithPin(this.requireCtap2(k), pin, o);
      return { session: this.sessions.open(keyId, token), list };
    });
  }

  async deletePasskey(session: string, credentialId: string): Promise<PasskeyList> {
    const { keyId, token } = this.sessions.use(session);
    if (!(await this.freshKeys()).some((k) => k.id === keyId)) {
      this.sessions.closeForKey(keyId);
      this.sessions.use(session); // throws: the session died with the unplug
    }
    return this.exclusive(keyId, 'delete-passkey', 'token', async (k, o) => {
      const ctap2 = this.requireCtap2(k);
      try {
        await deletePasskeyOnKey(ctap2, token, credentialId, o);
        return await readPasskeys(ctap2, token, o);
      } catch (e) {
        const cause = e instanceof UseCaseError ? e.cause : e;
        if (cause instanceof CtapError && (cause.status === CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID || cause.status === CtapStatus.CTAP2_ERR_PIN_TOKEN_EXPIRED)) {
          this.sessions.close(session);
          throw new UseCaseError('INVALID_STATE', 'The key ended this passkey session.', { hint: 'Open the passkey list again; you will need the PIN.' });
        }
        throw e;
      }
    });
  }

  async closePasskeys(session: string): Promise<void> {
    this.sessions.close(session);
  }

  // ---- settings ----

  async updateSettings(keyId: string, pin: string, change: SettingsChange): Promise<KeySettingsResult> {
    return this.exclusive(keyId, 'settings', 'token', (k, o) => updateSettingsOnKey(this.requireCtap2(k), pin, change, o));
  }

  // ---- reset ----

  async previewReset(keyId: string, pin: string): Promise<PasskeyList> {
    return this.exclusive(keyId, 'preview-reset', 'token', async (k, o) => {
      const { token, list } = await this.readPasskeysWithPin(this.requireCtap2(k), pin, o);
      token.destroy();
      return list;
    });
  }

  async prepareReset(keyId: string): Promise<ResetPreparation> {
    this.checkKeyId(keyId);
    await this.ensureProviders();
    return this.wizard.prepare(keyId);
  }

  async startReset(keyId: string, ack: ResetAcknowledgement): Promise<ResetStatus> {
    this.checkKeyId(keyId);
    await this.ensureProviders();
    return this.wizard.start(keyId, ack);
  }

  async cancelReset(): Promise<void> {
    this.wizard.cancel();
  }

  async getResetStatus(): Promise<ResetStatus> {
    return this.wizard.status;
  }

  // ---- computer and organisation ----

  async runDoctor(): Promise<DoctorReport> {
    return runDoctorChecks(this.opts.udevRulePath ? { udevRulePath: this.opts.udevRulePath } : {});
  }

  async getOrgProfile(): Promise<OrgProfileState> {
    // Loaded on first use: zod and parsing the built-in profile cost CLI start-up time otherwise.
    this.orgProfile ??= import('./org-profile.js').then(({ loadOrgProfile }) =>
      loadOrgProfile(this.opts.orgProfilePath ? { path: this.opts.orgProfilePath } : {}),
    );
    return this.orgProfile;
  }

  /** Opening links is Electron main's job; the service only says whether a link is allowed. */
  async openExternal(url: string): Promise<void> {
    const { profile } = await this.getOrgProfile();
    if (!isAllowedExternalUrl(url, profile)) {
      throw new UseCaseError('INVALID_ARGUMENT', 'That link is not on the list of sites this app may open.');
    }
    throw new UseCaseError('NOT_SUPPORTED', 'Links are opened by the desktop app, not by the key service.');
  }

  // ---- demo mode ----

  async setDemoMode(enabled: boolean): Promise<void> {
    if (typeof enabled !== 'boolean') throw new UseCaseError('INVALID_ARGUMENT', 'Demo mode is on or off.');
    await this.ensureProviders();
    if (enabled) {
      try {
        await this.ensureDemo();
      } catch (e) {
        this.demoEnabled = false;
        this.demoError = asUseCaseError(e);
        throw this.demoError;
      }
      this.demoError = undefined;
    }
    this.demoEnabled = enabled;
    if (!enabled && this.demo) this.forgetKey(this.demo.path);
    await this.watcher.refresh();
  }

  async demoTouch(): Promise<void> {
    this.requireDemo().presence.touch();
  }

  async demoRefuse(): Promise<void> {
    this.requireDemo().presence.refuse();
  }

  async demoUnplug(): Promise<void> {
    this.requireDemo().key.unplug();
    await this.watcher.refresh();
  }

  async demoPlug(): Promise<void> {
    this.requireDemo().key.plug();
    await this.watcher.refresh();
  }

  /** Stop watching, cancel what runs, end passkey sessions, close every device. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopWatching?.();
    this.watcher.stop();
    this.wizard.cancel();
    for (const r of this.running.values()) r.controller.abort();
    // Give cancelled operations a moment to send CTAPHID_CANCEL and finish before closing devices.
    const deadline = Date.now() + 1_500;
    while (this.running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    this.sessions.closeAll();
    const opens = [...this.open.values()];
    this.open.clear();
    await Promise.all(opens.map((p) => p.then((k) => k.device.close()).catch(() => undefined)));
    this.listeners.clear();
  }

  // ---- internals ----

  private emit(event: KeyEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // a failing listener must not break the operation
      }
    }
  }

  private activeProviders(): WatchedProvider[] {
    const list = [...this.providers];
    if (this.demo && this.demoEnabled) list.push({ provider: this.demo.provider, isDemo: true });
    return list;
  }

  private ensureProviders(): Promise<void> {
    this.providersReady ??= (async () => {
      const list: WatchedProvider[] = [];
      if (this.opts.usb !== false) {
        const { NodeHidProvider } = await import('../transport/node-hid.js');
        list.push({ provider: new NodeHidProvider(undefined, this.opts.udevRulePath) });
      }
      if (this.opts.udp) {
        const { UdpProvider } = await import('../transport/udp.js');
        // Probe, so a simulator that stops answering counts as unplugged (the reset wizard waits for that).
        list.push({ provider: new UdpProvider({ device: this.opts.udp.device, listen: this.opts.udp.listen, probe: true }) });
      }
      if (this.opts.simulator) {
        const profile = typeof this.opts.simulator === 'object' ? this.opts.simulator.profile : undefined;
        const simulator = await createSoftwareKey({ name: 'simulator', manualPresence: false, ...(profile ? { profile } : {}) });
        list.push({ provider: simulator.provider });
      }
      for (const p of this.opts.extraProviders ?? []) list.push({ provider: p });
      this.providers = list;
      if (this.demoEnabled) {
        // A broken demo key must not take the real keys down with it (this promise is cached):
        // demo mode stays off, and the damaged file stays put until setDemoMode(true), which reports it.
        try {
          await this.ensureDemo(false);
        } catch (e) {
          this.demoEnabled = false;
          this.demoError = asUseCaseError(e);
        }
      }
    })();
    return this.providersReady;
  }

  /**
   * Start the demo key once. A state file it cannot use is reported as a UseCaseError; with
   * `setAside` a damaged one is also moved aside, so the next start is fresh.
   */
  private async ensureDemo(setAside = true): Promise<SoftwareKeyHandle> {
    if (!this.demo) {
      const stateFile = this.opts.demo?.stateFile;
      let demo: SoftwareKeyHandle;
      try {
        demo = await createSoftwareKey({ name: 'demo', manualPresence: true, ...(stateFile ? { stateFile } : {}) });
      } catch (e) {
        throw await this.demoStartError(e, stateFile, setAside);
      }
      demo.presence.onRequest((waiting) => this.emit({ type: 'demo-touch-wait', waiting }));
      this.demo ??= demo;
    }
    return this.demo;
  }

  private async demoStartError(e: unknown, stateFile: string | undefined, setAside: boolean): Promise<UseCaseError> {
    // Loaded only on this failure path: createSoftwareKey has already loaded it.
    const { DamagedStateError, setAsideDamagedState } = await import('../authenticator/state-store.js');
    if (stateFile && e instanceof DamagedStateError) {
      if (!setAside) {
        return new UseCaseError(
          'INVALID_STATE',
          'The demo key could not start: its saved state is damaged.',
          { hint: 'Switch demo mode on to keep the damaged state aside and start a fresh demo key.' },
          { cause: e },
        );
      }
      let aside: string | undefined;
      try {
        aside = setAsideDamagedState(stateFile);
      } catch {
        // cannot move it: say so in the hint below
      }
      return new UseCaseError(
        'INVALID_STATE',
        'The demo key could not start: its saved state is damaged.',
        {
          hint: aside
            ? `The damaged state was kept as ${aside} and the demo key was reset. Switch demo mode on again to start a fresh demo key (no PIN, no passkeys).`
            : `Move or delete ${stateFile}, then switch demo mode on again to start a fresh demo key.`,
        },
        { cause: e },
      );
    }
    return new UseCaseError(
      'INVALID_STATE',
      'The demo key could not start: its saved state cannot be read or written.',
      { hint: stateFile ? `Check that ${stateFile} and its folder can be read and written by you, or move the file away, then switch demo mode on again.` : 'Switch demo mode on again.' },
      { cause: e },
    );
  }

  private requireDemo(): SoftwareKeyHandle {
    if (!this.demo || !this.demoEnabled) {
      if (this.demoError) throw new UseCaseError('INVALID_STATE', `Demo mode is off. ${this.demoError.message}`, this.demoError.details);
      throw new UseCaseError('INVALID_STATE', 'Demo mode is off.', { hint: 'Switch demo mode on first.' });
    }
    return this.demo;
  }

  private async freshKeys(): Promise<KeySummary[]> {
    await this.ensureProviders();
    this.providerError = undefined;
    return this.watcher.refresh();
  }

  private keysChanged(change: KeysChange): void {
    for (const id of change.removed) this.forgetKey(id);
    this.emit({ type: 'keys-changed', keys: change.keys, added: change.added, removed: change.removed });
  }

  /** The key is gone (or demo mode ended): close its device and end its passkey sessions. */
  private forgetKey(keyId: string): void {
    this.sessions.closeForKey(keyId);
    this.dropOpen(keyId);
  }

  /**
   * Refresh getInfo, require credentialManagement, get a pinUvAuthToken with the cm permission
   * (CTAP 2.1 §6.5.5.7) and read the passkeys (§6.8). The caller owns the token; it is destroyed here on failure.
   */
  private async readPasskeysWithPin(ctap2: Ctap2, pin: string, o: CallOptions): Promise<{ token: PinUvAuthToken; list: PasskeyList }> {
    await ctap2.refreshInfo(o);
    requireCredentialManagement(ctap2);
    const token = await tokenWithPin(ctap2, pin, Permission.CM, o);
    try {
      return { token, list: await readPasskeys(ctap2, token, o) };
    } catch (e) {
      token.destroy();
      throw e;
    }
  }

  private summaryOf(keyId: string): KeySummary {
    const s = this.watcher.keys.find((k) => k.id === keyId);
    if (!s) throw new UseCaseError('KEY_NOT_FOUND', 'That security key is not plugged in any more.');
    return s;
  }

  private checkKeyId(keyId: unknown): asserts keyId is string {
    if (typeof keyId !== 'string' || keyId.length === 0 || keyId.length > 1024) {
      throw new UseCaseError('INVALID_ARGUMENT', 'No key was chosen.');
    }
  }

  private busyError(keyId: string): UseCaseError {
    const r = this.running.get(keyId);
    return new UseCaseError('KEY_BUSY', 'The key is busy with another operation.', {
      hint: r ? `Wait for "${r.operation}" to finish, or cancel it.` : 'Wait for it to finish, then try again.',
    });
  }

  private requireCtap2(k: OpenKey, message?: string): Ctap2 {
    if (!k.ctap2) {
      throw new UseCaseError('U2F_ONLY', message ?? 'This is an older U2F-only key: it has no PIN and stores no passkeys, so this cannot be done.');
    }
    return k.ctap2;
  }

  private async openKey(keyId: string): Promise<OpenKey> {
    let pending = this.open.get(keyId);
    if (!pending) {
      pending = (async () => {
        let provider = this.watcher.providerOf(keyId);
        if (!provider) {
          await this.freshKeys();
          provider = this.watcher.providerOf(keyId);
        }
        if (!provider) throw new UseCaseError('KEY_NOT_FOUND', 'That security key is not plugged in.');
        const conn = await provider.open(keyId);
        let device: CtapHidDevice | undefined;
        try {
          device = await CtapHidDevice.open(conn);
          const ctap2 = device.isCtap2 ? await Ctap2.open(device) : undefined;
          return ctap2 ? { device, ctap2 } : { device };
        } catch (e) {
          await (device ? device.close() : conn.close()).catch(() => undefined);
          throw e;
        }
      })();
      this.open.set(keyId, pending);
      pending.catch(() => {
        if (this.open.get(keyId) === pending) this.open.delete(keyId);
      });
    }
    return pending;
  }

  /** Run one operation on one key: KEY_BUSY if another runs, progress events from keepalives, errors as UseCaseError. */
  private async exclusive<T>(
    keyId: string,
    operation: string,
    context: ErrorContext,
    fn: (k: OpenKey, opts: CallOptions) => Promise<T>,
    flags: { rethrowRaw?: boolean } = {},
  ): Promise<T> {
    this.checkKeyId(keyId);
    if (this.closed) throw new UseCaseError('INVALID_STATE', 'The key service is closed.');
    if (this.running.has(keyId)) throw this.busyError(keyId);
    const controller = new AbortController();
    this.running.set(keyId, { operation, controller });
    let last: KeepaliveState | undefined;
    const onKeepalive = (s: KeepaliveState) => {
      if (s === last) return;
      last = s;
      const progress: Progress = s === 'up-needed' ? { step: 'touch-needed' } : { step: 'processing' };
      this.emit({ type: 'progress', keyId, operation, progress });
    };
    try {
      await this.ensureProviders();
      const k = await this.openKey(keyId);
      return await fn(k, { signal: controller.signal, onKeepalive });
    } catch (e) {
      // Once cancelled, whatever the engine reports next (CANCEL answer, closed channel) is a cancel.
      const err = controller.signal.aborted && !(e instanceof UseCaseError) ? asUseCaseError(new CancelledError()) : asUseCaseError(e, context);
      if (CONNECTION_LOST.has(err.outcome)) this.dropOpen(keyId);
      if (flags.rethrowRaw && !(e instanceof UseCaseError)) throw e;
      throw err;
    } finally {
      this.running.delete(keyId);
    }
  }

  /** Close the key's device (if open); the next operation reopens it. */
  private dropOpen(keyId: string): void {
    const open = this.open.get(keyId);
    this.open.delete(keyId);
    void open?.then((k) => k.device.close()).catch(() => undefined);
  }
}

/** Create the service; nothing is opened or loaded until first use. */
export function createKeyService(opts: KeyServiceOptions = {}): KeyService {
  return new KeyService(opts);
}

export { toErrorInfo } from './to-error-info.js';
export { UseCaseError } from './use-case-error.js';

/**
 * The one IPC contract (types only). Main registers a handler for every method, the preload
 * exposes one function of the same name, the renderer calls it, and the test bridge serves the
 * same methods over a local socket. Channel names are derived: `skm:<method>`.
 * Every call answers a Result envelope; nothing here throws across the boundary.
 */
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
  ResetAcknowledgement,
  ResetPreparation,
  ResetStatus,
  Result,
  SettingsChange,
} from '../src/usecases/types.js';

export type { AppState, SettingsChange };

/** Method name → [argument tuple, result value]. */
export interface SkmContract {
  getAppState: [[], AppState];
  listKeys: [[], KeySummary[]];
  getKeyInfo: [[keyId: string], KeyInfo];
  getSupportReport: [[keyId: string], string];
  setPin: [[keyId: string, newPin: string, confirmPin: string], PinChangeResult];
  changePin: [[keyId: string, currentPin: string, newPin: string, confirmPin: string], PinChangeResult];
  touchTest: [[keyId: string], { outcome: 'touched' }];
  wink: [[keyId: string], void];
  pickByTouch: [[keyIds: string[]], { keyId: string }];
  cancel: [[keyId: string], void];
  listPasskeys: [[keyId: string, pin: string], { session: string; list: PasskeyList }];
  deletePasskey: [[session: string, credentialId: string], PasskeyList];
  closePasskeys: [[session: string], void];
  updateSettings: [[keyId: string, pin: string, change: SettingsChange], KeySettingsResult];
  previewReset: [[keyId: string, pin: string], PasskeyList];
  prepareReset: [[keyId: string], ResetPreparation];
  startReset: [[keyId: string, ack: ResetAcknowledgement], ResetStatus];
  cancelReset: [[], void];
  getResetStatus: [[], ResetStatus];
  runDoctor: [[], DoctorReport];
  getOrgProfile: [[], OrgProfileState];
  openExternal: [[url: string], void];
  setDemoMode: [[enabled: boolean], void];
  demoTouch: [[], void];
  demoRefuse: [[], void];
  demoUnplug: [[], void];
  demoPlug: [[], void];
}

export type SkmMethod = keyof SkmContract;
export type SkmArgs<M extends SkmMethod> = SkmContract[M][0];
export type SkmValue<M extends SkmMethod> = SkmContract[M][1];

/** What the preload exposes as `window.skm` (and the browser bridge client mirrors). */
export type SkmApi = {
  [M in SkmMethod]: (...args: SkmArgs<M>) => Promise<Result<SkmValue<M>>>;
} & {
  /** Subscribe to pushed events; returns an unsubscribe function. */
  onEvent(listener: (event: KeyEvent) => void): () => void;
};

/** The plain service behind the contract (implemented in src/usecases, no Electron): throws typed errors. */
export type SkmService = {
  [M in SkmMethod]: (...args: SkmArgs<M>) => Promise<SkmValue<M>>;
} & {
  onEvent(listener: (event: KeyEvent) => void): () => void;
};

/** IPC channel of a method, and the one channel events are pushed on. */
export type SkmChannel<M extends SkmMethod = SkmMethod> = `skm:${M}`;
export type SkmEventChannel = 'skm:event';

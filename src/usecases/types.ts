/**
 * Plain, serialisable results of the use cases. The desktop app (over IPC), the browser bridge and
 * the CLI (--json) all carry exactly these shapes, so nothing here may hold a class, a Uint8Array
 * or a secret: bytes travel as lowercase hex, PINs never travel back at all.
 */

/** Stable outcome codes: the UI picks wording by them, the CLI picks exit codes by them. */
export type OutcomeCode =
  | 'WRONG_PIN'
  | 'PIN_TEMPORARILY_BLOCKED'
  | 'PIN_BLOCKED'
  | 'PIN_TOO_SHORT'
  | 'PIN_TOO_LONG'
  | 'PIN_ENDS_WITH_NUL'
  | 'PIN_MISMATCH'
  | 'PIN_SAME_AS_CURRENT'
  | 'PIN_REFUSED'
  | 'PIN_NOT_SET'
  | 'PIN_ALREADY_SET'
  | 'PIN_CHANGE_REQUIRED'
  | 'TOUCH_REFUSED'
  | 'TOUCH_TIMEOUT'
  | 'RESET_TOO_LATE'
  | 'RESET_DENIED'
  | 'RESET_TIMEOUT'
  | 'RESET_NOT_CONFIRMED'
  | 'NO_KEY'
  | 'MULTIPLE_KEYS'
  | 'KEY_NOT_FOUND'
  | 'KEY_DISCONNECTED'
  | 'KEY_BUSY'
  | 'CANCELLED'
  | 'TIMEOUT'
  | 'PERMISSION_DENIED'
  | 'NATIVE_LIBRARY_MISSING'
  | 'NOT_SUPPORTED'
  | 'U2F_ONLY'
  | 'INVALID_ARGUMENT'
  | 'INVALID_STATE'
  | 'CTAP_ERROR'
  | 'TRANSPORT'
  | 'PROTOCOL'
  | 'INTERNAL';

export interface ErrorInfo {
  code: OutcomeCode;
  /** One plain sentence saying what happened. */
  message: string;
  /** What the user can do next, when there is something. */
  hint?: string;
  ctapStatus?: number;
  ctapStatusName?: string;
  /** PIN retries left after a wrong PIN. */
  retriesLeft?: number;
  /** Minimum PIN length in characters, for PIN_TOO_SHORT. */
  minLength?: number;
  /** An exact fix (a command, a file to install), for permission and library problems. */
  fix?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export type TransportKind = 'usb' | 'udp' | 'memory';

/** An attached key as enumeration sees it, before any command is sent. */
export interface KeySummary {
  /** Device path; stable while the key stays plugged in. */
  id: string;
  transport: TransportKind;
  /** True for the built-in software key of demo mode. */
  isDemo: boolean;
  vendorId: number;
  productId: number;
  manufacturer?: string;
  product?: string;
  serialNumber?: string;
}

export interface PinStatus {
  isSet: boolean;
  /** PIN retries left (getPINRetries); absent when the key has no PIN support. */
  retries?: number;
  /** True when the key wants a power cycle before it accepts another PIN attempt (PIN_AUTH_BLOCKED). */
  powerCycleState?: boolean;
  /** retries === 0: only a reset helps. */
  blocked: boolean;
  forcePINChange: boolean;
  /** Minimum PIN length in Unicode code points (getInfo minPINLength, default 4). */
  minPINLength: number;
  /** Maximum PIN length in UTF-8 bytes (63 unless the key says less). */
  maxPINLengthBytes: number;
  pinUvAuthProtocols: number[];
}

export interface KeyOptionView {
  /** Option name as in the specification, e.g. "clientPin", "rk", "alwaysUv". */
  name: string;
  value: boolean;
  /** Plain words, e.g. "A PIN is set on this key". */
  label: string;
}

export interface KeyInfo {
  key: KeySummary;
  kind: 'fido2' | 'u2f-only';
  model: { name: string; aaguid: string; known: boolean };
  /** e.g. "5.4.3" where the key's integer firmwareVersion is decodable, else the raw number as text. */
  firmwareVersion?: string;
  hid: {
    ctaphidProtocolVersion: number;
    deviceVersion: string;
    capabilities: { wink: boolean; cbor: boolean; nmsg: boolean };
  };
  ctapVersions: string[];
  pin: PinStatus;
  options: KeyOptionView[];
  remainingDiscoverableCredentials?: number;
  supports: {
    selection: boolean;
    credentialManagement: boolean;
    config: boolean;
    setMinPINLength: boolean;
    alwaysUv: boolean;
    wink: boolean;
    longTouchForReset: boolean;
  };
  /** Every getInfo field, named as in the specification, JSON-safe (byte strings as hex). */
  getInfo: Record<string, unknown>;
  /** Plain sentences on what this key can and cannot do here; set for U2F-only keys. */
  limitations?: { can: string[]; cannot: string[] };
}

/** What a waiting step is doing, reported while the call is in flight. */
export type Progress =
  | { step: 'processing' }
  | { step: 'touch-needed'; longTouch?: boolean }
  | { step: 'unplug' }
  | { step: 'replug'; windowMs: number }
  | { step: 'countdown'; remainingMs: number }
  | { step: 'sending' };

export interface PinChangeResult {
  /** Retries after the operation (8 after success on a CTAP 2.1 key). */
  retries?: number;
}

export interface Passkey {
  credentialId: string; // hex
  userId: string; // hex
  userName?: string;
  userDisplayName?: string;
}

export interface PasskeySite {
  rpId: string;
  rpName?: string;
  passkeys: Passkey[];
}

export interface PasskeyList {
  sites: PasskeySite[];
  existingCount: number;
  remainingCount: number;
}

export interface KeySettingsResult {
  minPINLength: number;
  forcePINChange: boolean;
  alwaysUv?: boolean;
}

/** The guarded factory reset, one explicit state at a time. */
export type ResetPhase =
  | 'idle'
  | 'awaiting-confirmation'
  | 'unplug'
  | 'replug'
  | 'touch'
  | 'done'
  | 'failed'
  | 'cancelled';

export interface ResetPreparation {
  /** Single-use token; startReset refuses without it. Bound to this key, expires after 10 minutes. */
  confirmationToken: string;
  keyId: string;
  modelName: string;
  /** Reset window of the key, in ms (10 s for CTAP 2.x keys). */
  windowMs: number;
  longTouchForReset: boolean;
  /** Plain sentences: what a reset erases. */
  losses: string[];
}

export interface ResetAcknowledgement {
  confirmationToken: string;
  /** The user was shown `losses` and accepted them. */
  understandsLoss: boolean;
  /** The user has another way to sign in (authenticator app, second key). */
  hasBackupSignIn: boolean;
}

export interface ResetStatus {
  phase: ResetPhase;
  keyId?: string;
  /** Time left in the key's reset window, while in 'touch'. */
  remainingMs?: number;
  longTouch?: boolean;
  outcome?: ErrorInfo;
}

export type DoctorStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface DoctorCheck {
  id: string;
  title: string;
  status: DoctorStatus;
  detail: string;
  fix?: string;
}

export interface DoctorReport {
  platform: string;
  checks: DoctorCheck[];
}

export interface OrgProfile {
  id: string;
  organisationName: string;
  portalName: string;
  portalUrl: string;
  /** Who to contact, e.g. "your Local Administrator". */
  supportContact: string;
  supportUrl?: string;
  /** https hosts external links may open (the portal's host is always included). */
  allowedHosts: string[];
  links: { label: string; url: string }[];
}

export interface OrgProfileState {
  profile: OrgProfile;
  source: 'default' | 'file';
  /** Set when an administrator's file was found but rejected; the default is then in force. */
  error?: string;
}

/** Events pushed from the service to the UI. Never carry PINs. */
export type KeyEvent =
  | { type: 'keys-changed'; keys: KeySummary[]; added: string[]; removed: string[] }
  | { type: 'progress'; keyId: string; operation: string; progress: Progress }
  | { type: 'reset-status'; status: ResetStatus }
  | { type: 'demo-touch-wait'; waiting: boolean };

/** A change to the key's authenticatorConfig settings (CTAP 2.1 §6.11). */
export interface SettingsChange {
  minPINLength?: number;
  forcePINChange?: boolean;
  toggleAlwaysUv?: boolean;
}

export interface AppState {
  version: string;
  platform: string;
  demoMode: boolean;
}

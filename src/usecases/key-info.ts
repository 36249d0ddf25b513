/**
 * Key info (CTAP 2.1 §6.4 authenticatorGetInfo, §6.5.5.2 getPINRetries, §11.2.9.1.3 CTAPHID_INIT)
 * turned into plain, JSON-safe facts: model, firmware, HID facts, PIN state and options in words.
 * Pure: the service reads the key, this file only describes what was read.
 */
import type { InitResponse } from '../ctaphid/framing.js';
import { type AuthenticatorInfo, credentialManagementCommand, supportsCtap21 } from '../ctap2/get-info.js';
import { PIN_MAX_BYTES } from '../pin/rules.js';
import { describeModel, ZERO_AAGUID } from './aaguid.js';
import type { KeyInfo, KeyOptionView, KeySummary, PinStatus } from './types.js';

/** Lowercase hex of bytes, the one byte format of every result. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Bytes from lowercase or uppercase hex; undefined when not valid hex. */
export function fromHex(hex: string): Uint8Array | undefined {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** Any decoded CBOR value as JSON-safe data: bytes as hex, maps as objects, bigints as numbers or text. */
export function jsonSafe(value: unknown): unknown {
  if (value instanceof Uint8Array) return toHex(value);
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[String(k)] = jsonSafe(v);
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = jsonSafe(v);
    return out;
  }
  return value;
}

/** Every getInfo member by its spec name (§6.4), JSON-safe; unknown keys under `unknown` as "0xNN". */
export function getInfoToJson(info: AuthenticatorInfo): Record<string, unknown> {
  const { aaguidString: _uuid, unknown, ...members } = info;
  const out = jsonSafe(members) as Record<string, unknown>;
  const extra = Object.entries(unknown);
  if (extra.length > 0) {
    out.unknown = Object.fromEntries(extra.map(([k, v]) => [`0x${Number(k).toString(16).padStart(2, '0')}`, jsonSafe(v)]));
  }
  return out;
}

/**
 * getInfo firmwareVersion (0x0E) is a vendor integer; most keys pack it as 0xMMmmpp
 * (YubiKey 5.4.3 = 0x050403). Show that as "5.4.3", anything else as the raw number.
 */
export function formatFirmwareVersion(v: number | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (v >= 0x10000 && v <= 0xffffff) return `${(v >> 16) & 0xff}.${(v >> 8) & 0xff}.${v & 0xff}`;
  return String(v);
}

const OPTION_LABELS: Record<string, [whenTrue: string, whenFalse: string]> = {
  plat: ['Built into this device (a platform authenticator)', 'A removable key'],
  rk: ['Can store passkeys on the key', 'Cannot store passkeys on the key'],
  clientPin: ['A PIN is set on this key', 'This key supports a PIN, but none is set yet'],
  up: ['Asks you to touch it to confirm you are there', 'Cannot check that you are there'],
  uv: ['Built-in verification (such as a fingerprint) is set up', 'Has built-in verification (such as a fingerprint), not set up yet'],
  pinUvAuthToken: ['Gives out PIN tokens limited to one task (CTAP 2.1)', 'Only gives out unrestricted PIN tokens (older keys)'],
  noMcGaPermissionsWithClientPin: ['The PIN cannot be used to sign in directly on this key', 'The PIN can be used to sign in'],
  largeBlobs: ['Can store extra data for websites (large blobs)', 'Cannot store extra data for websites'],
  ep: ['Enterprise attestation is switched on', 'Enterprise attestation is supported but switched off'],
  bioEnroll: ['A fingerprint is enrolled', 'Can enrol fingerprints; none enrolled yet'],
  userVerificationMgmtPreview: ['A fingerprint is enrolled (preview command)', 'Can enrol fingerprints (preview command); none enrolled yet'],
  uvBioEnroll: ['Fingerprint enrolment can be unlocked with built-in verification', 'Fingerprint enrolment needs the PIN'],
  authnrCfg: ['Key settings can be changed', 'Key settings cannot be changed'],
  uvAcfg: ['Settings can be unlocked with built-in verification', 'Settings need the PIN'],
  credMgmt: ['Stored passkeys can be listed and deleted', 'Stored passkeys cannot be listed'],
  credentialMgmtPreview: ['Stored passkeys can be listed and deleted (preview command)', 'Stored passkeys cannot be listed (preview command)'],
  setMinPINLength: ['The minimum PIN length can be raised', 'The minimum PIN length cannot be changed'],
  makeCredUvNotRqd: ['Websites may register it without asking for the PIN', 'Registering it with a website always asks for the PIN'],
  alwaysUv: ['Always asks for the PIN or fingerprint', 'Does not always ask for the PIN or fingerprint'],
  perCredMgmtRO: ['Passkeys can be listed with a read-only permission', 'Listing passkeys needs full permission'],
};

/** getInfo options (§6.4 0x04) in plain words. */
export function describeOptions(options: Record<string, boolean>): KeyOptionView[] {
  return Object.entries(options).map(([name, value]) => {
    const labels = OPTION_LABELS[name];
    return { name, value, label: labels ? labels[value ? 0 : 1] : `${name}: ${value ? 'yes' : 'no'}` };
  });
}

/** PIN state from getInfo plus getPINRetries (§6.5.5.2). */
export function describePin(info: AuthenticatorInfo | undefined, retries?: { retries: number; powerCycleState?: boolean }): PinStatus {
  const maxBytes = Math.min(PIN_MAX_BYTES, info?.maxPINLength ?? PIN_MAX_BYTES);
  const status: PinStatus = {
    isSet: info?.options.clientPin === true,
    blocked: retries?.retries === 0,
    forcePINChange: info?.forcePINChange ?? false,
    minPINLength: info?.minPINLength ?? 4,
    maxPINLengthBytes: maxBytes,
    pinUvAuthProtocols: info ? [...info.pinUvAuthProtocols] : [],
  };
  if (retries) status.retries = retries.retries;
  if (retries?.powerCycleState !== undefined) status.powerCycleState = retries.powerCycleState;
  return status;
}

export const U2F_ONLY_LIMITATIONS = {
  can: [
    'Sign in as a second step on websites that accept older U2F security keys.',
    'Take part in the touch test.',
  ],
  cannot: [
    'Hold a PIN: this key has none, so there is no PIN to set or change.',
    'Store passkeys, so there are none to list or delete.',
    'Be factory reset or have its settings changed from this app.',
  ],
};

export interface KeyFacts {
  summary: KeySummary;
  init: InitResponse;
  /** undefined for a U2F-only key. */
  info?: AuthenticatorInfo;
  retries?: { retries: number; powerCycleState?: boolean };
}

/** Everything the Key info screen and `skm info` show. */
export function buildKeyInfo({ summary, init, info, retries }: KeyFacts): KeyInfo {
  const hid = {
    ctaphidProtocolVersion: init.protocolVersion,
    deviceVersion: init.deviceVersion.join('.'),
    capabilities: { wink: init.capabilities.wink, cbor: init.capabilities.cbor, nmsg: init.capabilities.nmsg },
  };
  if (!info) {
    return {
      key: summary,
      kind: 'u2f-only',
      model: describeModel(ZERO_AAGUID, summary.product),
      hid,
      ctapVersions: ['U2F_V2'],
      pin: describePin(undefined),
      options: [],
      supports: {
        selection: false,
        credentialManagement: false,
        config: false,
        setMinPINLength: false,
        alwaysUv: false,
        wink: init.capabilities.wink,
        longTouchForReset: false,
      },
      getInfo: {},
      limitations: U2F_ONLY_LIMITATIONS,
    };
  }
  const model = describeModel(info.aaguidString, summary.product);
  const result: KeyInfo = {
    key: summary,
    kind: 'fido2',
    model,
    hid,
    ctapVersions: [...info.versions],
    pin: describePin(info, retries),
    options: describeOptions(info.options),
    supports: {
      selection: supportsCtap21(info),
      credentialManagement: credentialManagementCommand(info) !== undefined,
      config: info.options.authnrCfg === true,
      setMinPINLength: info.options.authnrCfg === true && info.options.setMinPINLength === true,
      alwaysUv: info.options.authnrCfg === true && 'alwaysUv' in info.options,
      wink: init.capabilities.wink,
      longTouchForReset: info.longTouchForReset,
    },
    getInfo: getInfoToJson(info),
  };
  const fw = formatFirmwareVersion(info.firmwareVersion);
  if (fw !== undefined) result.firmwareVersion = fw;
  if (info.remainingDiscoverableCredentials !== undefined) result.remainingDiscoverableCredentials = info.remainingDiscoverableCredentials;
  return result;
}

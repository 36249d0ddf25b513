/**
 * What a software key claims to be (CTAP 2.1 §6.4 authenticatorGetInfo, §11.2.9.1.3 CTAPHID_INIT
 * capabilities). A profile is plain data so tests and the demo can model a CTAP 2.1 key, an older
 * CTAP 2.0 key, or a U2F-only key without touching the authenticator logic.
 */
import { SkmError } from '../errors.js';

/** CTAP 2.1 features a profile may switch on; each one maps to a getInfo option and a command. */
export interface Ctap21Features {
  /** authenticatorSelection (§6.9). */
  selection: boolean;
  /** authenticatorCredentialManagement (§6.8), option "credMgmt". */
  credMgmt: boolean;
  /** authenticatorConfig (§6.11), option "authnrCfg". */
  authnrCfg: boolean;
  /** setMinPINLength subcommand (§6.11.4), option "setMinPINLength". */
  setMinPINLength: boolean;
  /** getPinUvAuthTokenUsingPinWithPermissions (§6.5.5.7), option "pinUvAuthToken". */
  pinUvAuthToken: boolean;
  /** option "makeCredUvNotRqd": non-discoverable credentials may be made without UV. */
  makeCredUvNotRqd: boolean;
}

/** Identity and limits of a software key. */
export interface AuthenticatorProfile {
  name: string;
  /** getInfo versions (0x01), e.g. U2F_V2, FIDO_2_0, FIDO_2_1. */
  versions: string[];
  /** 16 bytes (getInfo 0x03). */
  aaguid: Uint8Array;
  /** getInfo firmwareVersion (0x0E); also the CTAPHID_INIT device version bytes. */
  firmwareVersion: number;
  /** Maximum number of discoverable credentials. */
  capacity: number;
  /** Supported PIN/UV auth protocols, preferred first (getInfo 0x06). */
  pinUvAuthProtocols: number[];
  ctap21: Ctap21Features;
  /** getInfo longTouchForReset (0x18); only reported when true. */
  longTouchForReset: boolean;
  /** Answer only U2F over CTAPHID_MSG: no CBOR capability. */
  u2fOnly: boolean;
  /** getInfo maxMsgSize (0x05). */
  maxMsgSize: number;
  /** getInfo maxRPIDsForSetMinPINLength (0x10). */
  maxRpIdsForSetMinPinLength: number;
  /** Initial minimum PIN length in code points (getInfo 0x0D), restored by reset. */
  defaultMinPinLength: number;
  /** 'packed' self attestation, or 'none'. */
  attestation: 'packed' | 'none';
  vendorId: number;
  productId: number;
  manufacturer: string;
  product: string;
  serialNumber?: string;
}

const NO_CTAP21: Ctap21Features = {
  selection: false,
  credMgmt: false,
  authnrCfg: false,
  setMinPINLength: false,
  pinUvAuthToken: false,
  makeCredUvNotRqd: false,
};

function aaguid(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replace(/-/g, ''), 'hex'));
}

/** The built-in profiles. AAGUIDs are fixed, made-up values that no real key uses. */
export const profiles: { ctap21: AuthenticatorProfile; ctap20: AuthenticatorProfile; u2f: AuthenticatorProfile } = {
  ctap21: {
    name: 'ctap21',
    versions: ['U2F_V2', 'FIDO_2_0', 'FIDO_2_1'],
    aaguid: aaguid('5c6b1e1a-0d2f-4a8e-9b52-7f0e3c2d2121'),
    firmwareVersion: 0x050700,
    capacity: 25,
    pinUvAuthProtocols: [2, 1],
    ctap21: {
      selection: true,
      credMgmt: true,
      authnrCfg: true,
      setMinPINLength: true,
      pinUvAuthToken: true,
      makeCredUvNotRqd: true,
    },
    longTouchForReset: false,
    u2fOnly: false,
    maxMsgSize: 1200,
    maxRpIdsForSetMinPinLength: 8,
    defaultMinPinLength: 4,
    attestation: 'packed',
    vendorId: 0x1209,
    productId: 0x5c21,
    manufacturer: 'Security Key Manager',
    product: 'Software Key (CTAP 2.1)',
  },
  ctap20: {
    name: 'ctap20',
    versions: ['U2F_V2', 'FIDO_2_0'],
    aaguid: aaguid('5c6b1e1a-0d2f-4a8e-9b52-7f0e3c2d2020'),
    firmwareVersion: 0x040300,
    capacity: 25,
    pinUvAuthProtocols: [1],
    ctap21: NO_CTAP21,
    longTouchForReset: false,
    u2fOnly: false,
    maxMsgSize: 1200,
    maxRpIdsForSetMinPinLength: 0,
    defaultMinPinLength: 4,
    attestation: 'packed',
    vendorId: 0x1209,
    productId: 0x5c20,
    manufacturer: 'Security Key Manager',
    product: 'Software Key (CTAP 2.0)',
  },
  u2f: {
    name: 'u2f',
    versions: ['U2F_V2'],
    aaguid: new Uint8Array(16),
    firmwareVersion: 0x010000,
    capacity: 0,
    pinUvAuthProtocols: [],
    ctap21: NO_CTAP21,
    longTouchForReset: false,
    u2fOnly: true,
    maxMsgSize: 1200,
    maxRpIdsForSetMinPinLength: 0,
    defaultMinPinLength: 4,
    attestation: 'none',
    vendorId: 0x1209,
    productId: 0x5c01,
    manufacturer: 'Security Key Manager',
    product: 'Software Key (U2F only)',
  },
};

/** Resolve a profile name or a custom profile. */
export function resolveProfile(profile: 'ctap21' | 'ctap20' | 'u2f' | AuthenticatorProfile | undefined): AuthenticatorProfile {
  if (profile === undefined) return profiles.ctap21;
  if (typeof profile === 'string') return profiles[profile];
  if (profile.aaguid.length !== 16) throw new SkmError('INVALID_ARGUMENT', 'A profile AAGUID must be 16 bytes');
  return profile;
}

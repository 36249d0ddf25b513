/**
 * authenticatorGetInfo (CTAP 2.1 §6.4, CTAP 2.2 §6.4): one case per response key, the spec's
 * member name beside it. Missing members get the spec's documented defaults; unknown keys and
 * unknown option names are tolerated (unknown numeric keys are kept in `unknown`); a member of
 * the wrong type is an InvalidCborError.
 */
import type { CallOptions, CtapHidDevice } from '../ctaphid/device.js';
import { InvalidCborError } from '../errors.js';
import { Ctap2Command, sendCbor } from './command.js';

/** An algorithms (0x0A) entry (WebAuthn PublicKeyCredentialParameters). */
export interface PublicKeyCredentialParameters {
  type: string;
  alg: number;
}

/** Decoded authenticatorGetInfo response. */
export interface AuthenticatorInfo {
  /** 0x01 */ versions: string[];
  /** 0x02 */ extensions: string[];
  /** 0x03, 16 bytes */ aaguid: Uint8Array;
  /** 0x03 in UUID form, lower case */ aaguidString: string;
  /** 0x04; absent options keep their spec defaults (see hasOption). */ options: Record<string, boolean>;
  /** 0x05, default 1024 */ maxMsgSize: number;
  /** 0x06, default [] */ pinUvAuthProtocols: number[];
  /** 0x07 */ maxCredentialCountInList?: number;
  /** 0x08 */ maxCredentialIdLength?: number;
  /** 0x09, default [] */ transports: string[];
  /** 0x0A */ algorithms?: PublicKeyCredentialParameters[];
  /** 0x0B */ maxSerializedLargeBlobArray?: number;
  /** 0x0C, default false */ forcePINChange: boolean;
  /** 0x0D, default 4 */ minPINLength: number;
  /** 0x0E */ firmwareVersion?: number;
  /** 0x0F */ maxCredBlobLength?: number;
  /** 0x10 */ maxRPIDsForSetMinPINLength?: number;
  /** 0x11 */ preferredPlatformUVAttempts?: number;
  /** 0x12 */ uvModality?: number;
  /** 0x13 */ certifications?: Record<string, number>;
  /** 0x14 */ remainingDiscoverableCredentials?: number;
  /** 0x15 */ vendorPrototypeConfigCommands?: number[];
  /** 0x16 (CTAP 2.2) */ attestationFormats?: string[];
  /** 0x17 (CTAP 2.2) */ uvCountSinceLastPinEntry?: number;
  /** 0x18 (CTAP 2.2), default false */ longTouchForReset: boolean;
  /** 0x19 (CTAP 2.2) */ encIdentifier?: Uint8Array;
  /** 0x1A (CTAP 2.2) */ transportsForReset?: string[];
  /** 0x1B (CTAP 2.2) */ pinComplexityPolicy?: boolean;
  /** 0x1C (CTAP 2.2), a URL sent as UTF-8 bytes */ pinComplexityPolicyURL?: string;
  /** 0x1D (CTAP 2.2), in code points */ maxPINLength?: number;
  /** 0x1E (CTAP 2.2) */ encCredStoreState?: Uint8Array;
  /** 0x1F (CTAP 2.3) */ authenticatorConfigCommands?: number[];
  /** Numeric keys this parser does not know, kept as decoded. */
  unknown: Record<number, unknown>;
}

/** Turn a decoded getInfo map into an AuthenticatorInfo (CTAP 2.1 §6.4). */
export function parseGetInfo(body: Map<unknown, unknown>): AuthenticatorInfo {
  const get = (key: number) => body.get(key);
  const versions = stringArray(get(0x01), 'versions');
  if (versions === undefined) throw new InvalidCborError('getInfo: versions (0x01) is missing');
  const aaguid = bytes(get(0x03), 'aaguid');
  if (aaguid === undefined) throw new InvalidCborError('getInfo: aaguid (0x03) is missing');
  if (aaguid.length !== 16) throw new InvalidCborError('getInfo: aaguid must be 16 bytes');

  const info: AuthenticatorInfo = {
    versions,
    extensions: stringArray(get(0x02), 'extensions') ?? [],
    aaguid: Uint8Array.from(aaguid),
    aaguidString: formatAaguid(aaguid),
    options: options(get(0x04)),
    maxMsgSize: uint(get(0x05), 'maxMsgSize') ?? 1024,
    pinUvAuthProtocols: uintArray(get(0x06), 'pinUvAuthProtocols') ?? [],
    transports: stringArray(get(0x09), 'transports') ?? [],
    forcePINChange: bool(get(0x0c), 'forcePINChange') ?? false,
    minPINLength: uint(get(0x0d), 'minPINLength') ?? 4,
    longTouchForReset: bool(get(0x18), 'longTouchForReset') ?? false,
    unknown: {},
  };
  const optional = {
    maxCredentialCountInList: uint(get(0x07), 'maxCredentialCountInList'),
    maxCredentialIdLength: uint(get(0x08), 'maxCredentialIdLength'),
    algorithms: algorithms(get(0x0a)),
    maxSerializedLargeBlobArray: uint(get(0x0b), 'maxSerializedLargeBlobArray'),
    firmwareVersion: uint(get(0x0e), 'firmwareVersion'),
    maxCredBlobLength: uint(get(0x0f), 'maxCredBlobLength'),
    maxRPIDsForSetMinPINLength: uint(get(0x10), 'maxRPIDsForSetMinPINLength'),
    preferredPlatformUVAttempts: uint(get(0x11), 'preferredPlatformUVAttempts'),
    uvModality: uint(get(0x12), 'uvModality'),
    certifications: certifications(get(0x13)),
    remainingDiscoverableCredentials: uint(get(0x14), 'remainingDiscoverableCredentials'),
    vendorPrototypeConfigCommands: uintArray(get(0x15), 'vendorPrototypeConfigCommands'),
    attestationFormats: stringArray(get(0x16), 'attestationFormats'),
    uvCountSinceLastPinEntry: uint(get(0x17), 'uvCountSinceLastPinEntry'),
    encIdentifier: copy(bytes(get(0x19), 'encIdentifier')),
    transportsForReset: stringArray(get(0x1a), 'transportsForReset'),
    pinComplexityPolicy: bool(get(0x1b), 'pinComplexityPolicy'),
    pinComplexityPolicyURL: url(get(0x1c)),
    maxPINLength: uint(get(0x1d), 'maxPINLength'),
    encCredStoreState: copy(bytes(get(0x1e), 'encCredStoreState')),
    authenticatorConfigCommands: uintArray(get(0x1f), 'authenticatorConfigCommands'),
  };
  for (const [name, value] of Object.entries(optional)) {
    if (value !== undefined) (info as unknown as Record<string, unknown>)[name] = value;
  }
  for (const [key, value] of body) {
    if (typeof key === 'number' && (key < 0x01 || key > 0x1f)) info.unknown[key] = value;
  }
  return info;
}

/** Send authenticatorGetInfo (request `04`) and parse the answer. */
export async function getInfo(device: CtapHidDevice, opts?: CallOptions): Promise<AuthenticatorInfo> {
  const body = await sendCbor(device, Ctap2Command.GET_INFO, undefined, { ...opts, timeoutMs: opts?.timeoutMs ?? 5_000 });
  if (!body) throw new InvalidCborError('getInfo: the key sent no data');
  return parseGetInfo(body);
}

/** Spec defaults of options a key leaves out (CTAP 2.1 §6.4 "options"). */
const OPTION_DEFAULTS: Record<string, boolean> = { plat: false, rk: false, up: true, makeCredUvNotRqd: false };

/**
 * An option's value with the spec default applied: true/false, or undefined when the key did not
 * list it and the spec gives no default (e.g. clientPin absent = no PIN support).
 */
export function hasOption(info: AuthenticatorInfo, name: string): boolean | undefined {
  if (name in info.options) return info.options[name];
  return OPTION_DEFAULTS[name];
}

/** True for keys implementing CTAP 2.1 or later (versions has FIDO_2_1, FIDO_2_2, …). */
export function supportsCtap21(info: AuthenticatorInfo): boolean {
  return info.versions.some((v) => /^FIDO_2_([1-9]|\d{2,})$/.test(v));
}

/** True for keys that speak CTAP2 at all. */
export function supportsCtap2(info: AuthenticatorInfo): boolean {
  return info.versions.some((v) => v.startsWith('FIDO_2_'));
}

/** clientPin option: true = a PIN is set, false = supported but not set, undefined = no PIN support. */
export function pinState(info: AuthenticatorInfo): 'set' | 'not-set' | 'unsupported' {
  const v = info.options.clientPin;
  return v === true ? 'set' : v === false ? 'not-set' : 'unsupported';
}

/** The credential management command byte this key answers: 0x0A, 0x41 (2.1-PRE only), or undefined. */
export function credentialManagementCommand(info: AuthenticatorInfo): number | undefined {
  if (info.options.credMgmt === true) return Ctap2Command.CREDENTIAL_MANAGEMENT;
  if (info.options.credentialMgmtPreview === true) return Ctap2Command.CREDENTIAL_MANAGEMENT_PRE;
  return undefined;
}

/** AAGUID bytes in UUID form (8-4-4-4-12, lower case). */
export function formatAaguid(aaguid: Uint8Array): string {
  const h = Buffer.from(aaguid).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function fail(name: string, expected: string): never {
  throw new InvalidCborError(`getInfo: ${name} must be ${expected}`);
}

function uint(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'bigint' && v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(name, 'an unsigned integer');
  return v;
}

/** An element that must be present (inside arrays and maps, CBOR undefined is not "absent"). */
function requiredUint(v: unknown, name: string): number {
  const n = uint(v, name);
  if (n === undefined) fail(name, 'an unsigned integer');
  return n;
}

function bool(v: unknown, name: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') fail(name, 'a boolean');
  return v;
}

function bytes(v: unknown, name: string): Uint8Array | undefined {
  if (v === undefined) return undefined;
  if (!(v instanceof Uint8Array)) fail(name, 'a byte string');
  return v;
}

function copy(v: Uint8Array | undefined): Uint8Array | undefined {
  return v === undefined ? undefined : Uint8Array.from(v);
}

function stringArray(v: unknown, name: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) fail(name, 'an array of text strings');
  return [...(v as string[])];
}

function uintArray(v: unknown, name: string): number[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) fail(name, 'an array of unsigned integers');
  return v.map((n) => requiredUint(n, name));
}

function options(v: unknown): Record<string, boolean> {
  if (v === undefined) return {};
  if (!(v instanceof Map)) fail('options', 'a map');
  const out: Record<string, boolean> = {};
  for (const [k, value] of v) {
    if (typeof k !== 'string') fail('options', 'keyed by text strings');
    if (typeof value !== 'boolean') fail(`option ${k}`, 'a boolean');
    out[k] = value;
  }
  return out;
}

function algorithms(v: unknown): PublicKeyCredentialParameters[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) fail('algorithms', 'an array');
  return v.map((entry) => {
    if (!(entry instanceof Map)) fail('algorithms', 'an array of maps');
    const type = entry.get('type');
    const alg = entry.get('alg');
    if (typeof type !== 'string') fail('algorithms type', 'a text string');
    if (typeof alg !== 'number' || !Number.isSafeInteger(alg)) fail('algorithms alg', 'an integer');
    return { type, alg };
  });
}

function certifications(v: unknown): Record<string, number> | undefined {
  if (v === undefined) return undefined;
  if (!(v instanceof Map)) fail('certifications', 'a map');
  const out: Record<string, number> = {};
  for (const [k, value] of v) {
    if (typeof k !== 'string') fail('certifications', 'keyed by text strings');
    out[k] = requiredUint(value, `certification ${k}`);
  }
  return out;
}

function url(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  // CTAP 2.2 sends the URL as a byte string; tolerate a text string too.
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return new TextDecoder('utf-8', { fatal: false }).decode(v);
  fail('pinComplexityPolicyURL', 'a byte string');
}

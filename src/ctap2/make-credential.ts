/**
 * authenticatorMakeCredential (CTAP 2.1 §6.1), minimal: typed parameters in, the raw
 * attestation object members out. Used by tests and by the CTAP 2.0 touch fallback.
 */
import type { CallOptions } from '../ctaphid/device.js';
import { InvalidCborError } from '../errors.js';
import { Ctap2Command } from './command.js';
import type { Ctap2 } from './ctap2.js';

/** PublicKeyCredentialRpEntity (§6.1 rp). */
export interface RelyingParty {
  id: string;
  name?: string;
}

/** PublicKeyCredentialUserEntity (§6.1 user). */
export interface UserEntity {
  id: Uint8Array;
  name?: string;
  displayName?: string;
}

/** PublicKeyCredentialDescriptor (§6.1 excludeList, §6.8 credentialID). */
export interface CredentialDescriptor {
  type: 'public-key';
  id: Uint8Array;
}

/** authenticatorMakeCredential parameters (§6.1). */
export interface MakeCredentialParams {
  /** 0x01, 32 bytes */ clientDataHash: Uint8Array;
  /** 0x02 */ rp: RelyingParty;
  /** 0x03 */ user: UserEntity;
  /** 0x04 */ pubKeyCredParams: { type: 'public-key'; alg: number }[];
  /** 0x05 */ excludeList?: CredentialDescriptor[];
  /** 0x06 */ extensions?: Map<string, unknown>;
  /** 0x07 */ options?: { rk?: boolean; up?: boolean; uv?: boolean };
  /** 0x08; a zero-length value asks 2.0 keys to wait for touch (§6.1 step 1) */ pinUvAuthParam?: Uint8Array;
  /** 0x09 */ pinUvAuthProtocol?: number;
  /** 0x0A */ enterpriseAttestation?: number;
}

/** authenticatorMakeCredential response members (§6.1). */
export interface MakeCredentialResponse {
  /** 0x01 */ fmt: string;
  /** 0x02 */ authData: Uint8Array;
  /** 0x03 */ attStmt: Map<unknown, unknown>;
  /** 0x04 */ epAtt?: boolean;
  /** 0x05 */ largeBlobKey?: Uint8Array;
}

/** The request map, keys as in §6.1; optional members left out. */
export function encodeMakeCredential(p: MakeCredentialParams): Map<number, unknown> {
  const m = new Map<number, unknown>([
    [0x01, p.clientDataHash],
    [0x02, entity(p.rp)],
    [0x03, entity(p.user)],
    [0x04, p.pubKeyCredParams.map((c) => ({ alg: c.alg, type: c.type }))],
  ]);
  if (p.excludeList) m.set(0x05, p.excludeList.map((d) => ({ id: d.id, type: d.type })));
  if (p.extensions) m.set(0x06, p.extensions);
  if (p.options && Object.values(p.options).some((v) => v !== undefined)) m.set(0x07, { ...p.options });
  if (p.pinUvAuthParam) m.set(0x08, p.pinUvAuthParam);
  if (p.pinUvAuthProtocol !== undefined) m.set(0x09, p.pinUvAuthProtocol);
  if (p.enterpriseAttestation !== undefined) m.set(0x0a, p.enterpriseAttestation);
  return m;
}

/** Check and read a makeCredential response (§6.1). */
export function parseMakeCredentialResponse(body: Map<unknown, unknown> | undefined): MakeCredentialResponse {
  if (!body) throw new InvalidCborError('makeCredential: the key sent no data');
  const fmt = body.get(0x01);
  const authData = body.get(0x02);
  const attStmt = body.get(0x03);
  if (typeof fmt !== 'string') throw new InvalidCborError('makeCredential: fmt must be a text string');
  if (!(authData instanceof Uint8Array)) throw new InvalidCborError('makeCredential: authData must be a byte string');
  if (!(attStmt instanceof Map)) throw new InvalidCborError('makeCredential: attStmt must be a map');
  const out: MakeCredentialResponse = { fmt, authData, attStmt };
  const epAtt = body.get(0x04);
  if (typeof epAtt === 'boolean') out.epAtt = epAtt;
  const largeBlobKey = body.get(0x05);
  if (largeBlobKey instanceof Uint8Array) out.largeBlobKey = largeBlobKey;
  return out;
}

/** Send authenticatorMakeCredential; waits for touch (30 s by default). */
export async function makeCredential(ctap2: Ctap2, p: MakeCredentialParams, opts?: CallOptions): Promise<MakeCredentialResponse> {
  const body = await ctap2.send(Ctap2Command.MAKE_CREDENTIAL, encodeMakeCredential(p), opts);
  return parseMakeCredentialResponse(body);
}

/** Drop undefined members so the CBOR carries only what was given. */
export function entity(e: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined));
}

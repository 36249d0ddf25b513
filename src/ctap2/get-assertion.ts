/**
 * authenticatorGetAssertion (CTAP 2.1 §6.2), minimal: typed parameters in, the assertion
 * members out. Used by tests.
 */
import type { CallOptions } from '../ctaphid/device.js';
import { InvalidCborError } from '../errors.js';
import { Ctap2Command } from './command.js';
import type { Ctap2 } from './ctap2.js';
import type { CredentialDescriptor } from './make-credential.js';

/** authenticatorGetAssertion parameters (§6.2). */
export interface GetAssertionParams {
  /** 0x01 */ rpId: string;
  /** 0x02, 32 bytes */ clientDataHash: Uint8Array;
  /** 0x03 */ allowList?: CredentialDescriptor[];
  /** 0x04 */ extensions?: Map<string, unknown>;
  /** 0x05 */ options?: { up?: boolean; uv?: boolean };
  /** 0x06 */ pinUvAuthParam?: Uint8Array;
  /** 0x07 */ pinUvAuthProtocol?: number;
}

/** authenticatorGetAssertion response members (§6.2). */
export interface GetAssertionResponse {
  /** 0x01 */ credential?: CredentialDescriptor;
  /** 0x02 */ authData: Uint8Array;
  /** 0x03 */ signature: Uint8Array;
  /** 0x04 */ user?: { id: Uint8Array; name?: string; displayName?: string };
  /** 0x05 */ numberOfCredentials?: number;
  /** 0x06 */ userSelected?: boolean;
  /** 0x07 */ largeBlobKey?: Uint8Array;
}

/** The request map, keys as in §6.2; optional members left out. */
export function encodeGetAssertion(p: GetAssertionParams): Map<number, unknown> {
  const m = new Map<number, unknown>([
    [0x01, p.rpId],
    [0x02, p.clientDataHash],
  ]);
  if (p.allowList) m.set(0x03, p.allowList.map((d) => ({ id: d.id, type: d.type })));
  if (p.extensions) m.set(0x04, p.extensions);
  if (p.options && Object.values(p.options).some((v) => v !== undefined)) m.set(0x05, { ...p.options });
  if (p.pinUvAuthParam) m.set(0x06, p.pinUvAuthParam);
  if (p.pinUvAuthProtocol !== undefined) m.set(0x07, p.pinUvAuthProtocol);
  return m;
}

/** Check and read a getAssertion response (§6.2). */
export function parseGetAssertionResponse(body: Map<unknown, unknown> | undefined): GetAssertionResponse {
  if (!body) throw new InvalidCborError('getAssertion: the key sent no data');
  const authData = body.get(0x02);
  const signature = body.get(0x03);
  if (!(authData instanceof Uint8Array)) throw new InvalidCborError('getAssertion: authData must be a byte string');
  if (!(signature instanceof Uint8Array)) throw new InvalidCborError('getAssertion: signature must be a byte string');
  const out: GetAssertionResponse = { authData, signature };
  const cred = body.get(0x01);
  if (cred !== undefined) {
    if (!(cred instanceof Map) || !(cred.get('id') instanceof Uint8Array) || cred.get('type') !== 'public-key') {
      throw new InvalidCborError('getAssertion: credential must be a public-key descriptor');
    }
    out.credential = { type: 'public-key', id: cred.get('id') as Uint8Array };
  }
  const user = body.get(0x04);
  if (user !== undefined) {
    if (!(user instanceof Map) || !(user.get('id') instanceof Uint8Array)) throw new InvalidCborError('getAssertion: user must have an id');
    out.user = { id: user.get('id') as Uint8Array };
    if (typeof user.get('name') === 'string') out.user.name = user.get('name') as string;
    if (typeof user.get('displayName') === 'string') out.user.displayName = user.get('displayName') as string;
  }
  const n = body.get(0x05);
  if (n !== undefined) {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
      throw new InvalidCborError('getAssertion: numberOfCredentials must be a positive integer');
    }
    out.numberOfCredentials = n;
  }
  const selected = body.get(0x06);
  if (typeof selected === 'boolean') out.userSelected = selected;
  const lbk = body.get(0x07);
  if (lbk instanceof Uint8Array) out.largeBlobKey = lbk;
  return out;
}

/** Send authenticatorGetAssertion; waits for touch unless options.up is false. */
export async function getAssertion(ctap2: Ctap2, p: GetAssertionParams, opts?: CallOptions): Promise<GetAssertionResponse> {
  const body = await ctap2.send(Ctap2Command.GET_ASSERTION, encodeGetAssertion(p), opts);
  return parseGetAssertionResponse(body);
}

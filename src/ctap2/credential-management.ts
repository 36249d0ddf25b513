/**
 * authenticatorCredentialManagement (CTAP 2.1 §6.8): discoverable credential metadata, RP and
 * credential enumeration, delete, update user. Keys whose getInfo lists only
 * credentialMgmtPreview (CTAP 2.1-PRE) get the same requests under command byte 0x41.
 * pinUvAuthParam = authenticate(pinUvAuthToken, subCommand || subCommandParams), where
 * subCommandParams is the canonical CBOR sent on the wire.
 */
import { type CborValue, encodeCbor } from '../cbor.js';
import type { CallOptions } from '../ctaphid/device.js';
import { CtapError, InvalidCborError, NotSupportedError, SkmError } from '../errors.js';
import { CtapStatus } from './status.js';
import type { PinUvAuthToken } from './client-pin.js';
import type { Ctap2 } from './ctap2.js';
import { credentialManagementCommand } from './get-info.js';
import type { CredentialDescriptor, UserEntity } from './make-credential.js';

/** subCommand values (§6.8). */
export const CredMgmtSubCommand = {
  GET_CREDS_METADATA: 0x01,
  ENUMERATE_RPS_BEGIN: 0x02,
  ENUMERATE_RPS_GET_NEXT_RP: 0x03,
  ENUMERATE_CREDENTIALS_BEGIN: 0x04,
  ENUMERATE_CREDENTIALS_GET_NEXT_CREDENTIAL: 0x05,
  DELETE_CREDENTIAL: 0x06,
  UPDATE_USER_INFORMATION: 0x07,
} as const;

/** Request keys. */
const Req = { SUB_COMMAND: 1, SUB_COMMAND_PARAMS: 2, PROTOCOL: 3, PIN_UV_AUTH_PARAM: 4 };
/** subCommandParams keys. */
const Param = { RP_ID_HASH: 1, CREDENTIAL_ID: 2, USER: 3 };
/** Response keys. */
const Res = {
  EXISTING_COUNT: 1,
  MAX_REMAINING: 2,
  RP: 3,
  RP_ID_HASH: 4,
  TOTAL_RPS: 5,
  USER: 6,
  CREDENTIAL_ID: 7,
  PUBLIC_KEY: 8,
  TOTAL_CREDENTIALS: 9,
  CRED_PROTECT: 10,
  LARGE_BLOB_KEY: 11,
  THIRD_PARTY_PAYMENT: 12,
};

/** getCredsMetadata result (§6.8.2). */
export interface CredsMetadata {
  existingResidentCredentialsCount: number;
  maxPossibleRemainingResidentCredentialsCount: number;
}

/** One enumerateRPs result (§6.8.3). */
export interface RpEntry {
  rp: { id: string; name?: string };
  rpIdHash: Uint8Array;
}

/** One enumerateCredentials result (§6.8.4). */
export interface CredentialEntry {
  user: UserEntity;
  credentialId: CredentialDescriptor;
  /** COSE_Key as decoded */ publicKey?: unknown;
  credProtect?: number;
  largeBlobKey?: Uint8Array;
  thirdPartyPayment?: boolean;
}

/** authenticatorCredentialManagement (§6.8) with a pinUvAuthToken that has the cm permission. */
export class CredentialManagement {
  /** 0x0A, or 0x41 for CTAP 2.1-PRE keys. */
  readonly command: number;

  constructor(
    readonly ctap2: Ctap2,
    readonly token: PinUvAuthToken,
  ) {
    const command = credentialManagementCommand(ctap2.info);
    if (command === undefined) throw new NotSupportedError('This key does not support credential management');
    this.command = command;
  }

  /** getCredsMetadata (0x01). */
  async getMetadata(opts?: CallOptions): Promise<CredsMetadata> {
    const res = await this.call(CredMgmtSubCommand.GET_CREDS_METADATA, undefined, true, opts);
    return {
      existingResidentCredentialsCount: uint(res.get(Res.EXISTING_COUNT), 'existingResidentCredentialsCount'),
      maxPossibleRemainingResidentCredentialsCount: uint(res.get(Res.MAX_REMAINING), 'maxPossibleRemainingResidentCredentialsCount'),
    };
  }

  /** enumerateRPsBegin (0x02) then enumerateRPsGetNextRP (0x03) totalRPs - 1 times. No credentials: []. */
  async enumerateRps(opts?: CallOptions): Promise<RpEntry[]> {
    let first: Map<unknown, unknown>;
    try {
      first = await this.call(CredMgmtSubCommand.ENUMERATE_RPS_BEGIN, undefined, true, opts);
    } catch (e) {
      if (e instanceof CtapError && e.status === CtapStatus.CTAP2_ERR_NO_CREDENTIALS) return [];
      throw e;
    }
    const count = first.has(Res.TOTAL_RPS) ? total(first.get(Res.TOTAL_RPS), 'totalRPs') : 0;
    if (count === 0) return [];
    const out = [parseRp(first)];
    for (let i = 1; i < count; i++) {
      out.push(parseRp(await this.call(CredMgmtSubCommand.ENUMERATE_RPS_GET_NEXT_RP, undefined, false, opts)));
    }
    return out;
  }

  /** enumerateCredentialsBegin (0x04) then enumerateCredentialsGetNextCredential (0x05). No credentials: []. */
  async enumerateCredentials(rpIdHash: Uint8Array, opts?: CallOptions): Promise<CredentialEntry[]> {
    if (rpIdHash.length !== 32) throw new SkmError('INVALID_ARGUMENT', 'rpIdHash must be 32 bytes');
    let first: Map<unknown, unknown>;
    try {
      first = await this.call(
        CredMgmtSubCommand.ENUMERATE_CREDENTIALS_BEGIN,
        new Map([[Param.RP_ID_HASH, rpIdHash]]),
        true,
        opts,
      );
    } catch (e) {
      if (e instanceof CtapError && e.status === CtapStatus.CTAP2_ERR_NO_CREDENTIALS) return [];
      throw e;
    }
    const count = first.has(Res.TOTAL_CREDENTIALS) ? total(first.get(Res.TOTAL_CREDENTIALS), 'totalCredentials') : 0;
    if (count === 0) return [];
    const out = [parseCredential(first)];
    for (let i = 1; i < count; i++) {
      out.push(parseCredential(await this.call(CredMgmtSubCommand.ENUMERATE_CREDENTIALS_GET_NEXT_CREDENTIAL, undefined, false, opts)));
    }
    return out;
  }

  /** deleteCredential (0x06). */
  async deleteCredential(credentialId: CredentialDescriptor, opts?: CallOptions): Promise<void> {
    await this.call(CredMgmtSubCommand.DELETE_CREDENTIAL, new Map([[Param.CREDENTIAL_ID, descriptor(credentialId)]]), true, opts);
  }

  /** updateUserInformation (0x07): the key replaces name and displayName for that user id. */
  async updateUserInformation(credentialId: CredentialDescriptor, user: UserEntity, opts?: CallOptions): Promise<void> {
    const u: Record<string, CborValue> = { id: user.id };
    if (user.name !== undefined) u.name = user.name;
    if (user.displayName !== undefined) u.displayName = user.displayName;
    await this.call(
      CredMgmtSubCommand.UPDATE_USER_INFORMATION,
      new Map<number, CborValue>([
        [Param.CREDENTIAL_ID, descriptor(credentialId)],
        [Param.USER, u],
      ]),
      true,
      opts,
    );
  }

  private async call(
    subCommand: number,
    params: Map<number, CborValue> | undefined,
    authenticated: boolean,
    opts?: CallOptions,
  ): Promise<Map<unknown, unknown>> {
    const request = new Map<number, unknown>([[Req.SUB_COMMAND, subCommand]]);
    if (params) request.set(Req.SUB_COMMAND_PARAMS, params);
    if (authenticated) {
      // Authenticate exactly the bytes that go on the wire for subCommandParams.
      const paramBytes = params ? encodeCbor(params) : new Uint8Array(0);
      const message = new Uint8Array(1 + paramBytes.length);
      message[0] = subCommand;
      message.set(paramBytes, 1);
      request.set(Req.PROTOCOL, this.token.protocol.version);
      request.set(Req.PIN_UV_AUTH_PARAM, this.token.authenticate(message));
    }
    return (await this.ctap2.send(this.command, request, opts)) ?? new Map();
  }
}

function descriptor(d: CredentialDescriptor): Record<string, CborValue> {
  return { id: d.id, type: d.type };
}

/**
 * No key holds anywhere near this many discoverable credentials (real keys: 25 to a few hundred);
 * a larger total is a broken or hostile key, and following it would keep the host looping.
 */
const MAX_ENUMERATION = 10_000;

function uint(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new InvalidCborError(`credentialManagement: ${name} must be an unsigned integer`);
  }
  return v;
}

function total(v: unknown, name: string): number {
  const n = uint(v, name);
  if (n > MAX_ENUMERATION) throw new InvalidCborError(`credentialManagement: ${name} of ${n} is beyond any real key`);
  return n;
}

function parseRp(res: Map<unknown, unknown>): RpEntry {
  const rp = res.get(Res.RP);
  const hash = res.get(Res.RP_ID_HASH);
  if (!(rp instanceof Map) || typeof rp.get('id') !== 'string') throw new InvalidCborError('credentialManagement: rp must have an id');
  if (!(hash instanceof Uint8Array) || hash.length !== 32) throw new InvalidCborError('credentialManagement: rpIDHash must be 32 bytes');
  const out: RpEntry = { rp: { id: rp.get('id') as string }, rpIdHash: hash };
  if (typeof rp.get('name') === 'string') out.rp.name = rp.get('name') as string;
  return out;
}

function parseCredential(res: Map<unknown, unknown>): CredentialEntry {
  const user = res.get(Res.USER);
  const cred = res.get(Res.CREDENTIAL_ID);
  if (!(user instanceof Map) || !(user.get('id') instanceof Uint8Array)) throw new InvalidCborError('credentialManagement: user must have an id');
  if (!(cred instanceof Map) || !(cred.get('id') instanceof Uint8Array)) throw new InvalidCborError('credentialManagement: credentialID must have an id');
  const out: CredentialEntry = {
    user: { id: user.get('id') as Uint8Array },
    credentialId: { type: 'public-key', id: cred.get('id') as Uint8Array },
  };
  if (typeof user.get('name') === 'string') out.user.name = user.get('name') as string;
  if (typeof user.get('displayName') === 'string') out.user.displayName = user.get('displayName') as string;
  if (res.has(Res.PUBLIC_KEY)) out.publicKey = res.get(Res.PUBLIC_KEY);
  if (res.has(Res.CRED_PROTECT)) out.credProtect = uint(res.get(Res.CRED_PROTECT), 'credProtect');
  const lbk = res.get(Res.LARGE_BLOB_KEY);
  if (lbk instanceof Uint8Array) out.largeBlobKey = lbk;
  const tpp = res.get(Res.THIRD_PARTY_PAYMENT);
  if (typeof tpp === 'boolean') out.thirdPartyPayment = tpp;
  return out;
}

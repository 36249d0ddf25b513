/**
 * authenticatorCredentialManagement (CTAP 2.1 §6.8) over the discoverable credentials: metadata,
 * RP and credential enumeration, delete, update user information. Every subcommand that starts
 * something needs a pinUvAuthToken with the cm permission; a token bound to an RP ID only sees
 * that RP's credentials.
 */
import { type CborMap, encodeCbor } from '../cbor.js';
import { CtapStatus } from '../ctap2/status.js';
import { b64url, coseEs256, es256FromScalar, fromB64url, sha256 } from './credential-crypto.js';
import { type DeviceContext, TokenPermission } from './device-context.js';
import { verifyToken } from './pin-uv-auth-param.js';
import { Params, fail } from './request.js';
import type { StoredCredential } from './state-store.js';

/** subCommand values (§6.8). */
export const CredMgmtSubCommand = {
  getCredsMetadata: 0x01,
  enumerateRPsBegin: 0x02,
  enumerateRPsGetNextRP: 0x03,
  enumerateCredentialsBegin: 0x04,
  enumerateCredentialsGetNextCredential: 0x05,
  deleteCredential: 0x06,
  updateUserInformation: 0x07,
} as const;

const Req = { subCommand: 0x01, subCommandParams: 0x02, pinUvAuthProtocol: 0x03, pinUvAuthParam: 0x04 } as const;
const SubParam = { rpIDHash: 0x01, credentialID: 0x02, user: 0x03 } as const;
const Res = {
  existingResidentCredentialsCount: 0x01,
  maxPossibleRemainingResidentCredentialsCount: 0x02,
  rp: 0x03,
  rpIDHash: 0x04,
  totalRPs: 0x05,
  user: 0x06,
  credentialID: 0x07,
  publicKey: 0x08,
  totalCredentials: 0x09,
  credProtect: 0x0a,
} as const;

export function credentialManagement(ctx: DeviceContext, params: Params, continuation: DeviceContext['volatile']['continuation']): CborMap {
  const sub = params.int(Req.subCommand, true);
  const S = CredMgmtSubCommand;
  if (sub === S.enumerateRPsGetNextRP) return nextRp(ctx, continuation);
  if (sub === S.enumerateCredentialsGetNextCredential) return nextCredential(ctx, continuation);
  if (!(Object.values(S) as number[]).includes(sub)) fail(CtapStatus.CTAP2_ERR_INVALID_SUBCOMMAND);

  const subParams = params.sub(Req.subCommandParams);
  authorise(ctx, params, sub);
  const tokenRpId = ctx.volatile.token.rpId;

  switch (sub) {
    case S.getCredsMetadata:
      if (tokenRpId !== undefined) fail(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
      return new Map([
        [Res.existingResidentCredentialsCount, ctx.state.credentials.length],
        [Res.maxPossibleRemainingResidentCredentialsCount, Math.max(0, ctx.profile.capacity - ctx.state.credentials.length)],
      ]);
    case S.enumerateRPsBegin: {
      if (tokenRpId !== undefined) fail(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
      const rps = distinctRps(ctx.state.credentials);
      if (rps.length === 0) fail(CtapStatus.CTAP2_ERR_NO_CREDENTIALS);
      ctx.volatile.continuation = { kind: 'rps', rps, next: 1 };
      const out = rpEntry(rps[0]!);
      out.set(Res.totalRPs, rps.length);
      return out;
    }
    case S.enumerateCredentialsBegin: {
      const rpIdHash = (subParams ?? fail(CtapStatus.CTAP2_ERR_MISSING_PARAMETER)).bytes(SubParam.rpIDHash, true);
      if (tokenRpId !== undefined && !sameBytes(sha256(tokenRpId), rpIdHash)) fail(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
      const credentials = ctx.state.credentials
        .filter((c) => sameBytes(sha256(c.rpId), rpIdHash))
        .sort((a, b) => a.createdAt - b.createdAt);
      if (credentials.length === 0) fail(CtapStatus.CTAP2_ERR_NO_CREDENTIALS);
      ctx.volatile.continuation = { kind: 'credentials', credentials, next: 1 };
      const out = credentialEntry(credentials[0]!);
      out.set(Res.totalCredentials, credentials.length);
      return out;
    }
    case S.deleteCredential: {
      const c = findCredential(ctx, subParams, tokenRpId);
      ctx.state.credentials = ctx.state.credentials.filter((x) => x !== c);
      ctx.save();
      return new Map();
    }
    case S.updateUserInformation: {
      const c = findCredential(ctx, subParams, tokenRpId);
      const user = subParams!.sub(SubParam.user, true);
      const id = user.bytes('id', true);
      if (b64url(id) !== c.userId) fail(CtapStatus.CTAP1_ERR_INVALID_PARAMETER);
      // Absent name/displayName fields are removed, per the spec.
      c.userName = user.text('name');
      c.userDisplayName = user.text('displayName');
      ctx.save();
      return new Map();
    }
    default:
      fail(CtapStatus.CTAP2_ERR_INVALID_SUBCOMMAND);
  }
}

/** pinUvAuthParam over subCommand || subCommandParams with a cm token (§6.8 steps 1-4). */
function authorise(ctx: DeviceContext, params: Params, sub: number): void {
  const pinUvAuthParam = params.bytes(Req.pinUvAuthParam);
  if (!pinUvAuthParam) fail(CtapStatus.CTAP2_ERR_PUAT_REQUIRED);
  const version = params.int(Req.pinUvAuthProtocol);
  const rawSubParams = params.raw(Req.subCommandParams);
  const encoded = rawSubParams === undefined ? new Uint8Array(0) : encodeCbor(rawSubParams as CborMap);
  const message = new Uint8Array(1 + encoded.length);
  message[0] = sub;
  message.set(encoded, 1);
  verifyToken(ctx, pinUvAuthParam, version, message, TokenPermission.CM);
}

function nextRp(ctx: DeviceContext, continuation: DeviceContext['volatile']['continuation']): CborMap {
  if (continuation?.kind !== 'rps' || continuation.next >= continuation.rps.length) fail(CtapStatus.CTAP2_ERR_NOT_ALLOWED);
  ctx.volatile.continuation = continuation;
  return rpEntry(continuation.rps[continuation.next++]!);
}

function nextCredential(ctx: DeviceContext, continuation: DeviceContext['volatile']['continuation']): CborMap {
  if (continuation?.kind !== 'credentials' || continuation.next >= continuation.credentials.length) {
    fail(CtapStatus.CTAP2_ERR_NOT_ALLOWED);
  }
  ctx.volatile.continuation = continuation;
  return credentialEntry(continuation.credentials[continuation.next++]!);
}

function findCredential(ctx: DeviceContext, subParams: Params | undefined, tokenRpId: string | undefined): StoredCredential {
  const descriptor = (subParams ?? fail(CtapStatus.CTAP2_ERR_MISSING_PARAMETER)).sub(SubParam.credentialID, true);
  const id = b64url(descriptor.bytes('id', true));
  const c = ctx.state.credentials.find((x) => x.credentialId === id);
  if (!c) fail(CtapStatus.CTAP2_ERR_NO_CREDENTIALS);
  if (tokenRpId !== undefined && tokenRpId !== c.rpId) fail(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
  return c;
}

function distinctRps(credentials: StoredCredential[]): { id: string; name?: string }[] {
  const seen = new Map<string, { id: string; name?: string }>();
  for (const c of [...credentials].sort((a, b) => a.createdAt - b.createdAt)) {
    if (!seen.has(c.rpId)) seen.set(c.rpId, c.rpName === undefined ? { id: c.rpId } : { id: c.rpId, name: c.rpName });
  }
  return [...seen.values()];
}

function rpEntry(rp: { id: string; name?: string }): CborMap {
  const entity = new Map<string, string>([['id', rp.id]]);
  if (rp.name !== undefined) entity.set('name', rp.name);
  return new Map<number, Map<string, string> | Uint8Array>([
    [Res.rp, entity],
    [Res.rpIDHash, sha256(rp.id)],
  ]) as CborMap;
}

function credentialEntry(c: StoredCredential): CborMap {
  const user = new Map<string, string | Uint8Array>([['id', fromB64url(c.userId)]]);
  if (c.userName !== undefined) user.set('name', c.userName);
  if (c.userDisplayName !== undefined) user.set('displayName', c.userDisplayName);
  const key = es256FromScalar(fromB64url(c.privateKey));
  const publicKey = coseEs256(key);
  key.d.fill(0);
  return new Map<number, unknown>([
    [Res.user, user],
    [
      Res.credentialID,
      new Map<string, string | Uint8Array>([
        ['id', fromB64url(c.credentialId)],
        ['type', 'public-key'],
      ]),
    ],
    [Res.publicKey, publicKey],
    [Res.credProtect, 1], // userVerificationOptional: no credProtect extension on this key
  ]) as CborMap;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

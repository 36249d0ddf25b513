/**
 * authenticatorGetAssertion and authenticatorGetNextAssertion (CTAP 2.1 §6.2.2, §6.3): sign with a
 * credential named in allowList, or with the RP's discoverable credentials, newest first.
 */
import type { CborMap } from '../cbor.js';
import { CtapStatus } from '../ctap2/status.js';
import { AuthDataFlag, authenticatorData, b64url, es256FromScalar, fromB64url, sha256, signEs256, unwrapCredentialId } from './credential-crypto.js';
import { type DeviceContext, TokenPermission, requireUserPresence } from './device-context.js';
import { spendToken, supportsClientPin, touchProbe, verifyTokenFor } from './pin-uv-auth-param.js';
import { Params, fail } from './request.js';
import type { StoredCredential } from './state-store.js';

const Req = {
  rpId: 0x01,
  clientDataHash: 0x02,
  allowList: 0x03,
  extensions: 0x04,
  options: 0x05,
  pinUvAuthParam: 0x06,
  pinUvAuthProtocol: 0x07,
} as const;

interface Candidate {
  credentialId: Uint8Array;
  d: Uint8Array;
  stored?: StoredCredential;
}

export async function getAssertion(ctx: DeviceContext, params: Params): Promise<CborMap> {
  const pinUvAuthParam = params.bytes(Req.pinUvAuthParam);
  if (pinUvAuthParam?.length === 0 && supportsClientPin(ctx)) return touchProbe(ctx);

  const rpId = params.text(Req.rpId, true);
  const clientDataHash = params.bytes(Req.clientDataHash, true);
  const allowList = params.array(Req.allowList);
  const options = params.sub(Req.options);
  if (options?.has('rk')) fail(CtapStatus.CTAP2_ERR_UNSUPPORTED_OPTION);
  const up = options?.bool('up') ?? true;
  if (options?.bool('uv') === true && !pinUvAuthParam) fail(CtapStatus.CTAP2_ERR_INVALID_OPTION);

  let uv = false;
  if (pinUvAuthParam) {
    uv = verifyTokenFor(ctx, pinUvAuthParam, params.int(Req.pinUvAuthProtocol), clientDataHash, TokenPermission.GA, rpId);
  } else if (ctx.state.alwaysUv) {
    fail(CtapStatus.CTAP2_ERR_PUAT_REQUIRED);
  }

  const rpIdHash = sha256(rpId);
  const candidates: Candidate[] = [];
  if (allowList && allowList.length > 0) {
    const wrapKey = fromB64url(ctx.state.wrapKey);
    for (const entry of allowList) {
      const id = Params.from(entry).bytes('id', true);
      const d = unwrapCredentialId(wrapKey, rpIdHash, id);
      if (!d) continue;
      const stored = ctx.state.credentials.find((c) => c.rpId === rpId && c.credentialId === b64url(id));
      candidates.push({ credentialId: id, d, stored });
      break;
    }
  } else {
    for (const c of discoverable(ctx, rpId)) {
      candidates.push({ credentialId: fromB64url(c.credentialId), d: fromB64url(c.privateKey), stored: c });
    }
  }
  if (candidates.length === 0) fail(CtapStatus.CTAP2_ERR_NO_CREDENTIALS);

  if (up) await requireUserPresence(ctx);
  const flags = (up ? AuthDataFlag.UP : 0) | (uv ? AuthDataFlag.UV : 0);
  if (uv) spendToken(ctx);

  const response = sign(ctx, rpIdHash, clientDataHash, candidates[0]!, flags, uv);
  if (candidates.length > 1) {
    response.set(5, candidates.length);
    ctx.volatile.continuation = {
      kind: 'assertions',
      rpId,
      clientDataHash,
      credentials: candidates.slice(1).map((c) => c.stored!),
      next: 0,
      flags,
    };
  }
  return response;
}

/** §6.3 authenticatorGetNextAssertion */
export function getNextAssertion(ctx: DeviceContext, continuation: DeviceContext['volatile']['continuation']): CborMap {
  if (continuation?.kind !== 'assertions' || continuation.next >= continuation.credentials.length) {
    fail(CtapStatus.CTAP2_ERR_NOT_ALLOWED);
  }
  const c = continuation.credentials[continuation.next++]!;
  ctx.volatile.continuation = continuation;
  const candidate = { credentialId: fromB64url(c.credentialId), d: fromB64url(c.privateKey), stored: c };
  const uv = (continuation.flags & AuthDataFlag.UV) !== 0;
  return sign(ctx, sha256(continuation.rpId), continuation.clientDataHash, candidate, continuation.flags, uv);
}

function discoverable(ctx: DeviceContext, rpId: string): StoredCredential[] {
  return ctx.state.credentials.filter((c) => c.rpId === rpId).sort((a, b) => b.createdAt - a.createdAt);
}

function sign(ctx: DeviceContext, rpIdHash: Uint8Array, clientDataHash: Uint8Array, c: Candidate, flags: number, uv: boolean): CborMap {
  ctx.state.signCount++;
  ctx.save();
  const authData = authenticatorData(rpIdHash, flags, ctx.state.signCount);
  const toSign = new Uint8Array(authData.length + clientDataHash.length);
  toSign.set(authData, 0);
  toSign.set(clientDataHash, authData.length);
  const key = es256FromScalar(c.d);
  const signature = signEs256(key, toSign);
  key.d.fill(0);
  const response: CborMap = new Map();
  response.set(
    1,
    new Map<string, string | Uint8Array>([
      ['id', c.credentialId],
      ['type', 'public-key'],
    ]),
  );
  response.set(2, authData);
  response.set(3, signature);
  if (c.stored) {
    // Names and display names only after user verification (§6.2.2 step 12).
    const user = new Map<string, string | Uint8Array>([['id', fromB64url(c.stored.userId)]]);
    if (uv && c.stored.userName !== undefined) user.set('name', c.stored.userName);
    if (uv && c.stored.userDisplayName !== undefined) user.set('displayName', c.stored.userDisplayName);
    response.set(4, user);
  }
  return response;
}

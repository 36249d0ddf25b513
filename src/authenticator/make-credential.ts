/**
 * authenticatorMakeCredential (CTAP 2.1 §6.1.2), the subset a host needs to create ES256
 * credentials, discoverable or not, with 'packed' self attestation or 'none'.
 */
import { type CborMap, encodeCbor } from '../cbor.js';
import { CtapStatus } from '../ctap2/status.js';
import {
  AuthDataFlag,
  COSE_ES256,
  authenticatorData,
  b64url,
  coseEs256,
  fromB64url,
  generateEs256,
  sha256,
  signEs256,
  unwrapCredentialId,
  wrapCredentialId,
} from './credential-crypto.js';
import { type DeviceContext, TokenPermission, requireUserPresence } from './device-context.js';
import { spendToken, supportsClientPin, touchProbe, verifyTokenFor } from './pin-uv-auth-param.js';
import { Params, fail } from './request.js';

const Req = {
  clientDataHash: 0x01,
  rp: 0x02,
  user: 0x03,
  pubKeyCredParams: 0x04,
  excludeList: 0x05,
  extensions: 0x06,
  options: 0x07,
  pinUvAuthParam: 0x08,
  pinUvAuthProtocol: 0x09,
} as const;

export async function makeCredential(ctx: DeviceContext, params: Params): Promise<CborMap> {
  const pinUvAuthParam = params.bytes(Req.pinUvAuthParam);
  if (pinUvAuthParam?.length === 0 && supportsClientPin(ctx)) return touchProbe(ctx);

  const clientDataHash = params.bytes(Req.clientDataHash, true);
  const rp = params.sub(Req.rp, true);
  const user = params.sub(Req.user, true);
  const pubKeyCredParams = params.array(Req.pubKeyCredParams, true);
  const rpId = rp.text('id', true);
  const rpName = rp.text('name');
  const userId = user.bytes('id', true);
  const userName = user.text('name');
  const userDisplayName = user.text('displayName');
  if (userId.length > 64) fail(CtapStatus.CTAP1_ERR_INVALID_LENGTH);

  let es256 = false;
  for (const entry of pubKeyCredParams) {
    const p = Params.from(entry);
    const alg = p.int('alg', true);
    if (p.text('type', true) === 'public-key' && alg === COSE_ES256) es256 = true;
  }
  if (!es256) fail(CtapStatus.CTAP2_ERR_UNSUPPORTED_ALGORITHM);

  const options = params.sub(Req.options);
  const rk = options?.bool('rk') ?? false;
  if (options?.bool('up') === false) fail(CtapStatus.CTAP2_ERR_INVALID_OPTION);
  if (options?.bool('uv') === true && !pinUvAuthParam) fail(CtapStatus.CTAP2_ERR_INVALID_OPTION);

  const pinSet = ctx.state.pinHash !== undefined;
  let uv = false;
  if (pinUvAuthParam) {
    uv = verifyTokenFor(ctx, pinUvAuthParam, params.int(Req.pinUvAuthProtocol), clientDataHash, TokenPermission.MC, rpId);
  } else if (ctx.state.alwaysUv || (pinSet && (rk || !ctx.profile.ctap21.makeCredUvNotRqd))) {
    fail(CtapStatus.CTAP2_ERR_PUAT_REQUIRED);
  }

  const rpIdHash = sha256(rpId);
  const wrapKey = fromB64url(ctx.state.wrapKey);
  for (const entry of params.array(Req.excludeList) ?? []) {
    const id = Params.from(entry).bytes('id', true);
    const known = ctx.state.credentials.some((c) => c.rpId === rpId && c.credentialId === b64url(id));
    if (known || unwrapCredentialId(wrapKey, rpIdHash, id)) {
      await requireUserPresence(ctx);
      fail(CtapStatus.CTAP2_ERR_CREDENTIAL_EXCLUDED);
    }
  }

  if (rk) {
    const others = ctx.state.credentials.filter((c) => !(c.rpId === rpId && c.userId === b64url(userId)));
    if (others.length >= ctx.profile.capacity) fail(CtapStatus.CTAP2_ERR_KEY_STORE_FULL);
  }

  await requireUserPresence(ctx);

  const key = generateEs256();
  const credentialId = wrapCredentialId(wrapKey, rpIdHash, key.d);
  if (rk) {
    // One discoverable credential per (RP, user handle): a new one replaces the old (§6.1.2 step 16).
    const kept = ctx.state.credentials.filter((c) => !(c.rpId === rpId && c.userId === b64url(userId)));
    const createdAt = ctx.state.credentials.reduce((m, c) => Math.max(m, c.createdAt), 0) + 1;
    kept.push({
      credentialId: b64url(credentialId),
      rpId,
      rpName,
      userId: b64url(userId),
      userName,
      userDisplayName,
      privateKey: b64url(key.d),
      createdAt,
    });
    ctx.state.credentials = kept;
  }
  ctx.state.signCount++;
  ctx.save();

  const flags = AuthDataFlag.UP | (uv ? AuthDataFlag.UV : 0);
  const authData = authenticatorData(rpIdHash, flags, ctx.state.signCount, {
    aaguid: ctx.profile.aaguid,
    credentialId,
    publicKey: encodeCbor(coseEs256(key)),
  });
  if (uv) spendToken(ctx);

  if (ctx.profile.attestation === 'none') {
    return new Map<number, unknown>([
      [1, 'none'],
      [2, authData],
      [3, new Map()],
    ]) as CborMap;
  }
  // Self attestation: the credential key signs authData || clientDataHash (WebAuthn §8.2).
  const toSign = new Uint8Array(authData.length + clientDataHash.length);
  toSign.set(authData, 0);
  toSign.set(clientDataHash, authData.length);
  const sig = signEs256(key, toSign);
  key.d.fill(0);
  return new Map<number, unknown>([
    [1, 'packed'],
    [2, authData],
    [
      3,
      new Map<string, unknown>([
        ['alg', COSE_ES256],
        ['sig', sig],
      ]),
    ],
  ]) as CborMap;
}

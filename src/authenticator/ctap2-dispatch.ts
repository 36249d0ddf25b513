/**
 * CTAPHID_CBOR payloads in, status byte + canonical CBOR out (CTAP 2.1 §6 command table, §8.2
 * status codes). Commands the profile does not have answer CTAP1_ERR_INVALID_COMMAND.
 */
import { type CborMap, decodeCbor, encodeCbor } from '../cbor.js';
import { CtapStatus } from '../ctap2/status.js';
import { CtapError } from '../errors.js';
import { authenticatorConfig } from './authenticator-config.js';
import { clientPin } from './client-pin.js';
import { credentialManagement } from './credential-management.js';
import { type DeviceContext, requireUserPresence } from './device-context.js';
import { getAssertion, getNextAssertion } from './get-assertion.js';
import { getInfo } from './get-info.js';
import { makeCredential } from './make-credential.js';
import { Params, fail } from './request.js';

/** authenticator API command bytes (§6). */
export const Ctap2Cmd = {
  makeCredential: 0x01,
  getAssertion: 0x02,
  getInfo: 0x04,
  clientPIN: 0x06,
  reset: 0x07,
  getNextAssertion: 0x08,
  credentialManagement: 0x0a,
  selection: 0x0b,
  config: 0x0d,
} as const;

export async function handleCtap2(ctx: DeviceContext, request: Uint8Array): Promise<Uint8Array> {
  try {
    const body = await dispatch(ctx, request);
    // Commands with nothing to return answer the status byte alone, as real keys do.
    if (body === undefined || body.size === 0) return Uint8Array.of(CtapStatus.CTAP2_OK);
    const encoded = encodeCbor(body);
    const out = new Uint8Array(1 + encoded.length);
    out.set(encoded, 1);
    return out;
  } catch (e) {
    if (e instanceof CtapError) return Uint8Array.of(e.status);
    return Uint8Array.of(CtapStatus.CTAP1_ERR_OTHER);
  }
}

async function dispatch(ctx: DeviceContext, request: Uint8Array): Promise<CborMap | undefined> {
  const cmd = request[0]!;
  if (request.length > ctx.profile.maxMsgSize) fail(CtapStatus.CTAP2_ERR_REQUEST_TOO_LARGE);
  // *GetNext commands continue only directly after their own begin command.
  const continuation = ctx.volatile.continuation;
  ctx.volatile.continuation = null;

  const f = ctx.profile.ctap21;
  const known =
    cmd === Ctap2Cmd.makeCredential ||
    cmd === Ctap2Cmd.getAssertion ||
    cmd === Ctap2Cmd.getInfo ||
    cmd === Ctap2Cmd.reset ||
    cmd === Ctap2Cmd.getNextAssertion ||
    (cmd === Ctap2Cmd.clientPIN && ctx.profile.pinUvAuthProtocols.length > 0) ||
    (cmd === Ctap2Cmd.credentialManagement && f.credMgmt) ||
    (cmd === Ctap2Cmd.selection && f.selection) ||
    (cmd === Ctap2Cmd.config && f.authnrCfg);
  if (!known) fail(CtapStatus.CTAP1_ERR_INVALID_COMMAND);

  let params: Params;
  try {
    params = Params.from(request.length > 1 ? decodeCbor(request.subarray(1)) : undefined);
  } catch (e) {
    if (e instanceof CtapError) throw e;
    fail(CtapStatus.CTAP2_ERR_INVALID_CBOR);
  }

  switch (cmd) {
    case Ctap2Cmd.getInfo:
      return getInfo(ctx);
    case Ctap2Cmd.makeCredential:
      return makeCredential(ctx, params);
    case Ctap2Cmd.getAssertion:
      return getAssertion(ctx, params);
    case Ctap2Cmd.getNextAssertion:
      return getNextAssertion(ctx, continuation);
    case Ctap2Cmd.clientPIN:
      return clientPin(ctx, params);
    case Ctap2Cmd.reset:
      return reset(ctx);
    case Ctap2Cmd.credentialManagement:
      return credentialManagement(ctx, params, continuation);
    case Ctap2Cmd.selection:
      await requireUserPresence(ctx);
      return undefined;
    case Ctap2Cmd.config:
      return authenticatorConfig(ctx, params);
    default:
      fail(CtapStatus.CTAP1_ERR_INVALID_COMMAND);
  }
}

/** §6.6 authenticatorReset: only soon after power-up, only with a touch. */
async function reset(ctx: DeviceContext): Promise<undefined> {
  if (ctx.msSincePowerUp() > ctx.resetWindowMs) fail(CtapStatus.CTAP2_ERR_NOT_ALLOWED);
  await requireUserPresence(ctx);
  ctx.eraseAll();
  return undefined;
}

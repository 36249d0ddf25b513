/**
 * authenticatorConfig (CTAP 2.1 §6.11): toggleAlwaysUv and setMinPINLength (with
 * minPinLengthRPIDs and forceChangePin). pinUvAuthParam is
 * authenticate(token, 32×0xff || 0x0d || uint8(subCommand) || subCommandParams) with acfg.
 */
import { type CborMap, encodeCbor } from '../cbor.js';
import { CtapStatus } from '../ctap2/status.js';
import { type DeviceContext, TokenPermission } from './device-context.js';
import { verifyToken } from './pin-uv-auth-param.js';
import { Params, fail } from './request.js';

export const ConfigSubCommand = { enableEnterpriseAttestation: 0x01, toggleAlwaysUv: 0x02, setMinPINLength: 0x03 } as const;

const Req = { subCommand: 0x01, subCommandParams: 0x02, pinUvAuthProtocol: 0x03, pinUvAuthParam: 0x04 } as const;
const MinPinParam = { newMinPINLength: 0x01, minPinLengthRPIDs: 0x02, forceChangePin: 0x03 } as const;

export function authenticatorConfig(ctx: DeviceContext, params: Params): CborMap {
  const sub = params.int(Req.subCommand, true);
  const subParams = params.sub(Req.subCommandParams);
  const pinUvAuthParam = params.bytes(Req.pinUvAuthParam);
  const protected_ = ctx.state.pinHash !== undefined || ctx.state.alwaysUv;
  if (pinUvAuthParam) {
    const version = params.int(Req.pinUvAuthProtocol);
    const encoded = subParams ? encodeCbor(params.raw(Req.subCommandParams) as CborMap) : new Uint8Array(0);
    const message = new Uint8Array(34 + encoded.length);
    message.fill(0xff, 0, 32);
    message[32] = 0x0d;
    message[33] = sub;
    message.set(encoded, 34);
    verifyToken(ctx, pinUvAuthParam, version, message, TokenPermission.ACFG);
  } else if (protected_) {
    fail(CtapStatus.CTAP2_ERR_PUAT_REQUIRED);
  }

  switch (sub) {
    case ConfigSubCommand.toggleAlwaysUv:
      ctx.state.alwaysUv = !ctx.state.alwaysUv;
      ctx.save();
      return new Map();
    case ConfigSubCommand.setMinPINLength:
      if (!ctx.profile.ctap21.setMinPINLength) fail(CtapStatus.CTAP2_ERR_INVALID_SUBCOMMAND);
      return setMinPinLength(ctx, subParams ?? new Params(new Map()));
    default:
      // enableEnterpriseAttestation and vendor commands are not supported by this key.
      fail(CtapStatus.CTAP2_ERR_INVALID_SUBCOMMAND);
  }
}

/** §6.11.4 setMinPINLength */
function setMinPinLength(ctx: DeviceContext, p: Params): CborMap {
  const newMin = p.int(MinPinParam.newMinPINLength) ?? ctx.state.minPinLength;
  const rpIdsRaw = p.array(MinPinParam.minPinLengthRPIDs);
  const force = p.bool(MinPinParam.forceChangePin) ?? false;
  // The minimum can only grow; only a reset lowers it.
  if (newMin < ctx.state.minPinLength) fail(CtapStatus.CTAP2_ERR_PIN_POLICY_VIOLATION);
  let rpIds: string[] | undefined;
  if (rpIdsRaw) {
    if (!rpIdsRaw.every((r): r is string => typeof r === 'string')) fail(CtapStatus.CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
    if (rpIdsRaw.length > ctx.profile.maxRpIdsForSetMinPinLength) fail(CtapStatus.CTAP2_ERR_PIN_POLICY_VIOLATION);
    rpIds = rpIdsRaw;
  }
  if (force && ctx.state.pinHash === undefined) fail(CtapStatus.CTAP2_ERR_PIN_NOT_SET);
  ctx.state.minPinLength = newMin;
  if (rpIds) ctx.state.minPinLengthRpIds = rpIds;
  const pinTooShort = ctx.state.pinHash !== undefined && (ctx.state.pinCodePointLength ?? 0) < newMin;
  if (force || pinTooShort) ctx.state.forcePinChange = true;
  ctx.save();
  return new Map();
}

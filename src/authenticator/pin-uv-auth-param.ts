/**
 * The pinUvAuthParam steps shared by makeCredential and getAssertion (CTAP 2.1 §6.1.2 steps 1-2
 * and 11, §6.2.2 steps 1-2 and 6): the CTAP 2.0 "touch probe" with a zero-length pinUvAuthParam,
 * protocol checks, and verifying the token with its permission and permissions RP ID. verifyToken
 * is also the check of authenticatorCredentialManagement (§6.8) and authenticatorConfig (§6.11).
 */
import { CtapStatus } from '../ctap2/status.js';
import { type DeviceContext, TokenPermission, requireUserPresence, supportedProtocol } from './device-context.js';
import { fail } from './request.js';

/** Zero-length pinUvAuthParam: wait for a touch, then PIN_NOT_SET or PIN_INVALID (the platform's "select this key"). */
export async function touchProbe(ctx: DeviceContext): Promise<never> {
  await requireUserPresence(ctx, CtapStatus.CTAP2_ERR_OPERATION_DENIED);
  fail(ctx.state.pinHash === undefined ? CtapStatus.CTAP2_ERR_PIN_NOT_SET : CtapStatus.CTAP2_ERR_PIN_INVALID);
}

/** True when the key speaks a PIN/UV auth protocol at all. */
export function supportsClientPin(ctx: DeviceContext): boolean {
  return ctx.profile.pinUvAuthProtocols.length > 0;
}

/**
 * Verify pinUvAuthParam over `message` with the current pinUvAuthToken and require `permission`
 * (CTAP 2.1 §6.5.5.7 token permissions): MISSING_PARAMETER without a protocol version, the
 * protocol's own status when it is not supported, PIN_AUTH_INVALID otherwise.
 */
export function verifyToken(
  ctx: DeviceContext,
  pinUvAuthParam: Uint8Array,
  version: number | undefined,
  message: Uint8Array,
  permission: number,
): void {
  if (version === undefined) fail(CtapStatus.CTAP2_ERR_MISSING_PARAMETER);
  const protocol = supportedProtocol(ctx, version);
  const token = ctx.volatile.token;
  if (!token.verify(protocol, message, pinUvAuthParam, ctx.now())) fail(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
  if (!token.has(permission)) fail(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
}

/**
 * Verify pinUvAuthParam over clientDataHash for a permission and RP ID; binds the RP ID to the
 * token when it had none. Returns true (user verified) or throws the spec's status.
 */
export function verifyTokenFor(
  ctx: DeviceContext,
  pinUvAuthParam: Uint8Array,
  version: number | undefined,
  message: Uint8Array,
  permission: number,
  rpId: string,
): true {
  verifyToken(ctx, pinUvAuthParam, version, message, permission);
  const token = ctx.volatile.token;
  if (token.rpId !== undefined && token.rpId !== rpId) fail(CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID);
  if (token.rpId === undefined) token.rpId = rpId;
  return true;
}

/** After a user-verified makeCredential/getAssertion: clearPinUvAuthTokenPermissionsExceptLbw(). */
export function spendToken(ctx: DeviceContext): void {
  ctx.volatile.token.permissions &= TokenPermission.LBW;
}

/**
 * authenticatorConfig (CTAP 2.1 §6.11): toggleAlwaysUv and setMinPINLength.
 * pinUvAuthParam = authenticate(pinUvAuthToken, 32×0xff || 0x0d || uint8(subCommand) || subCommandParams),
 * subCommandParams being the canonical CBOR sent on the wire (§6.11 step "authenticate").
 */
import { type CborValue, encodeCbor } from '../cbor.js';
import type { CallOptions } from '../ctaphid/device.js';
import { NotSupportedError, SkmError } from '../errors.js';
import type { PinUvAuthToken } from './client-pin.js';
import { Ctap2Command } from './command.js';
import type { Ctap2 } from './ctap2.js';

/** subCommand values (§6.11). */
export const ConfigSubCommand = {
  ENABLE_ENTERPRISE_ATTESTATION: 0x01,
  TOGGLE_ALWAYS_UV: 0x02,
  SET_MIN_PIN_LENGTH: 0x03,
  VENDOR_PROTOTYPE: 0xff,
} as const;

const Req = { SUB_COMMAND: 1, SUB_COMMAND_PARAMS: 2, PROTOCOL: 3, PIN_UV_AUTH_PARAM: 4 };
const MinPinParam = { NEW_MIN_PIN_LENGTH: 1, MIN_PIN_LENGTH_RPIDS: 2, FORCE_CHANGE_PIN: 3 };

/** setMinPINLength subCommandParams (§6.11.4). */
export interface SetMinPinLengthParams {
  newMinPINLength?: number;
  minPinLengthRPIDs?: string[];
  forceChangePin?: boolean;
}

/** authenticatorConfig (§6.11) with a pinUvAuthToken that has the acfg permission. */
export class AuthenticatorConfig {
  constructor(
    readonly ctap2: Ctap2,
    readonly token: PinUvAuthToken,
  ) {
    if (ctap2.info.options.authnrCfg !== true) throw new NotSupportedError('This key does not support authenticatorConfig');
  }

  /** toggleAlwaysUv (0x02): flips the alwaysUv option. */
  async toggleAlwaysUv(opts?: CallOptions): Promise<void> {
    if (this.ctap2.info.options.alwaysUv === undefined) throw new NotSupportedError('This key has no alwaysUv option');
    await this.call(ConfigSubCommand.TOGGLE_ALWAYS_UV, undefined, opts);
  }

  /**
   * setMinPINLength (0x03): raise the minimum PIN length (it can only go up until a reset), name
   * RPs allowed to read it, and/or force a PIN change. Checked against getInfo before sending.
   */
  async setMinPinLength(p: SetMinPinLengthParams, opts?: CallOptions): Promise<void> {
    const info = this.ctap2.info;
    if (info.options.setMinPINLength !== true) throw new NotSupportedError('This key cannot change its minimum PIN length');
    const params = new Map<number, CborValue>();
    if (p.newMinPINLength !== undefined) {
      const n = p.newMinPINLength;
      if (!Number.isInteger(n) || n < 4 || n > 63) throw new SkmError('INVALID_ARGUMENT', 'The minimum PIN length must be 4 to 63');
      if (n < info.minPINLength) {
        throw new SkmError('INVALID_ARGUMENT', `The minimum PIN length is ${info.minPINLength} and can only be lowered by a reset`);
      }
      params.set(MinPinParam.NEW_MIN_PIN_LENGTH, n);
    }
    if (p.minPinLengthRPIDs !== undefined) {
      const max = info.maxRPIDsForSetMinPINLength ?? 0;
      if (p.minPinLengthRPIDs.length > max) {
        throw new SkmError('INVALID_ARGUMENT', `This key accepts at most ${max} RP IDs for the minimum PIN length`);
      }
      params.set(MinPinParam.MIN_PIN_LENGTH_RPIDS, [...p.minPinLengthRPIDs]);
    }
    if (p.forceChangePin !== undefined) params.set(MinPinParam.FORCE_CHANGE_PIN, p.forceChangePin);
    await this.call(ConfigSubCommand.SET_MIN_PIN_LENGTH, params.size > 0 ? params : undefined, opts);
  }

  private async call(subCommand: number, params: Map<number, CborValue> | undefined, opts?: CallOptions): Promise<void> {
    const paramBytes = params ? encodeCbor(params) : new Uint8Array(0);
    const message = new Uint8Array(32 + 2 + paramBytes.length);
    message.fill(0xff, 0, 32);
    message[32] = Ctap2Command.CONFIG;
    message[33] = subCommand;
    message.set(paramBytes, 34);
    const request = new Map<number, unknown>([[Req.SUB_COMMAND, subCommand]]);
    if (params) request.set(Req.SUB_COMMAND_PARAMS, params);
    request.set(Req.PROTOCOL, this.token.protocol.version);
    request.set(Req.PIN_UV_AUTH_PARAM, this.token.authenticate(message));
    await this.ctap2.send(Ctap2Command.CONFIG, request, opts);
  }
}

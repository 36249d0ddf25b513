/**
 * The CTAP2 session on one key (CTAP 2.1 §6): holds the key's getInfo and sends commands over
 * CTAPHID_CBOR, turning a non-zero status byte into a CtapError and refusing requests larger
 * than the key's maxMsgSize. Command families live in their own files and call `send`.
 */
import type { CallOptions, CtapHidDevice } from '../ctaphid/device.js';
import { NotSupportedError } from '../errors.js';
import { sendCbor } from './command.js';
import { type AuthenticatorInfo, getInfo } from './get-info.js';

export { Ctap2Command } from './command.js';

/** What a U2F-only key can and cannot do, for the NotSupportedError users see. */
export const U2F_ONLY_MESSAGE =
  'This is a U2F-only key (no CTAP2): it can be used for U2F sign-in and the touch test (wink or U2F message), ' +
  'but it has no PIN and cannot be reset or managed through CTAP2.';

/** A CTAP2 session (§6): getInfo plus `send` for every command family. */
export class Ctap2 {
  constructor(
    readonly device: CtapHidDevice,
    public info: AuthenticatorInfo,
  ) {}

  /** Read getInfo and start a session. A key without the CBOR capability is U2F-only: NotSupportedError. */
  static async open(device: CtapHidDevice, opts?: CallOptions): Promise<Ctap2> {
    if (!device.isCtap2) throw new NotSupportedError(U2F_ONLY_MESSAGE);
    return new Ctap2(device, await getInfo(device, opts));
  }

  /** authenticatorGetInfo again (after setPin, reset, config changes). */
  async refreshInfo(opts?: CallOptions): Promise<AuthenticatorInfo> {
    this.info = await getInfo(this.device, opts);
    return this.info;
  }

  /** Send one command; status != 0 -> CtapError keeping the status, empty body -> undefined. */
  send(command: number, params?: Map<number, unknown>, opts?: CallOptions): Promise<Map<unknown, unknown> | undefined> {
    return sendCbor(this.device, command, params, opts, this.info.maxMsgSize);
  }
}

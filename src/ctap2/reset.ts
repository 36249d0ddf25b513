/**
 * authenticatorReset (CTAP 2.1 §6.6): erases every credential and the PIN. Keys accept it only
 * within a few seconds of power-up and after a touch, so the call waits for user presence
 * (keepalives reported through `onKeepalive`) and honours `signal` to cancel.
 */
import type { CallOptions } from '../ctaphid/device.js';
import { Ctap2Command } from './command.js';
import type { Ctap2 } from './ctap2.js';

/** Default budget: long enough for the user to find and touch the key. */
export const RESET_TIMEOUT_MS = 30_000;

/** authenticatorReset (§6.6); waits for the touch the key asks for. */
export async function reset(ctap2: Ctap2, opts?: CallOptions): Promise<void> {
  // An explicit `timeoutMs: undefined` must not wipe out the reset's own default.
  await ctap2.send(Ctap2Command.RESET, undefined, { ...opts, timeoutMs: opts?.timeoutMs ?? RESET_TIMEOUT_MS });
}

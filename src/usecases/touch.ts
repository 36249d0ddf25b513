/**
 * Touch test and identify (CTAP 2.1 §6.9 authenticatorSelection with the CTAP 2.0 fallback,
 * §11.2.9.2.2 CTAPHID_WINK; for U2F-only keys a U2F register request, FIDO U2F Raw Message
 * Formats §4.3, polled until the key is touched).
 */
import type { CallOptions, CtapHidDevice } from '../ctaphid/device.js';
import type { Ctap2 } from '../ctap2/ctap2.js';
import { selection } from '../ctap2/selection.js';
import { abortableSleep } from '../abortable-sleep.js';
import { CancelledError, NotSupportedError, TimeoutError } from '../errors.js';
import { asUseCaseError } from './pin.js';
import { UseCaseError } from './use-case-error.js';

/** U2F status words (FIDO U2F Raw Message Formats §3.3). */
const SW_NO_ERROR = 0x9000;
const SW_CONDITIONS_NOT_SATISFIED = 0x6985;
const SW_INS_NOT_SUPPORTED = 0x6d00;
const U2F_POLL_MS = 200;
export const TOUCH_TIMEOUT_MS = 30_000;

/** Wait for a touch on a CTAP2 key. Throws UseCaseError TOUCH_REFUSED / TOUCH_TIMEOUT / CANCELLED. */
export async function touchTest(ctap2: Ctap2, opts: CallOptions = {}): Promise<{ outcome: 'touched' }> {
  try {
    await selection(ctap2, { timeoutMs: TOUCH_TIMEOUT_MS, ...opts });
    return { outcome: 'touched' };
  } catch (e) {
    throw asUseCaseError(e, 'touch');
  }
}

/** Wait for a touch on a U2F-only key: a throwaway U2F register, repeated until the key says yes. */
export async function u2fTouchTest(device: CtapHidDevice, opts: CallOptions = {}): Promise<{ outcome: 'touched' }> {
  const deadline = Date.now() + (opts.timeoutMs ?? TOUCH_TIMEOUT_MS);
  // CLA 00, INS 01 (register), P1 P2 00, extended length 64: challenge (32) || application (32), Le 00 00.
  const apdu = new Uint8Array(7 + 64 + 2);
  apdu.set([0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x40], 0);
  apdu.fill(0x42, 7, 7 + 32);
  apdu.fill(0x53, 7 + 32, 7 + 64);
  opts.onKeepalive?.('up-needed');
  try {
    for (;;) {
      if (opts.signal?.aborted) throw new CancelledError();
      const res = await device.msg(apdu, { signal: opts.signal, timeoutMs: 5_000 });
      const sw = res.length >= 2 ? (res[res.length - 2]! << 8) | res[res.length - 1]! : 0;
      if (sw === SW_NO_ERROR) return { outcome: 'touched' };
      if (sw === SW_INS_NOT_SUPPORTED) throw new UseCaseError('NOT_SUPPORTED', 'This key cannot do a touch test.');
      if (sw !== SW_CONDITIONS_NOT_SATISFIED) throw new UseCaseError('CTAP_ERROR', `The key answered the U2F request with status ${sw.toString(16)}.`);
      if (Date.now() >= deadline) throw new TimeoutError('The key was not touched in time');
      if (await abortableSleep(U2F_POLL_MS, opts.signal)) throw new CancelledError();
    }
  } catch (e) {
    throw asUseCaseError(e, 'touch');
  }
}

/** CTAPHID_WINK where the key has the capability; NOT_SUPPORTED otherwise. */
export async function wink(device: CtapHidDevice, opts: CallOptions = {}): Promise<void> {
  if (!device.init.capabilities.wink) {
    throw new UseCaseError('NOT_SUPPORTED', 'This key cannot flash its light on request.', {
      hint: 'Use "Find by touch" instead: touch the key you mean when it flashes.',
    });
  }
  try {
    await device.wink({ timeoutMs: 5_000, ...opts });
  } catch (e) {
    if (e instanceof NotSupportedError) throw new UseCaseError('NOT_SUPPORTED', 'This key cannot flash its light on request.');
    throw asUseCaseError(e);
  }
}

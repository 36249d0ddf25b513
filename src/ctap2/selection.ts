/**
 * authenticatorSelection (CTAP 2.1 §6.9): wait for the user to touch this key. CTAP 2.0 keys
 * lack the command, so they get the 2.0 "touch" request instead: makeCredential with a
 * zero-length pinUvAuthParam (CTAP 2.0 §5.1 step 1), which the key answers after a touch with
 * PIN_NOT_SET or PIN_INVALID (some keys PIN_AUTH_INVALID); all of those mean "touched".
 */
import type { CallOptions } from '../ctaphid/device.js';
import { CtapError } from '../errors.js';
import { CtapStatus } from './status.js';
import { Ctap2Command } from './command.js';
import type { Ctap2 } from './ctap2.js';
import { supportsCtap21 } from './get-info.js';
import { encodeMakeCredential } from './make-credential.js';

const TOUCHED = new Set<number>([
  CtapStatus.CTAP2_ERR_PIN_NOT_SET,
  CtapStatus.CTAP2_ERR_PIN_INVALID,
  CtapStatus.CTAP2_ERR_PIN_AUTH_INVALID,
]);

/** Resolves once the user touched the key; CancelledError / TimeoutError otherwise. */
export async function selection(ctap2: Ctap2, opts?: CallOptions): Promise<void> {
  if (supportsCtap21(ctap2.info)) {
    await ctap2.send(Ctap2Command.SELECTION, undefined, opts);
    return;
  }
  try {
    await ctap2.send(Ctap2Command.MAKE_CREDENTIAL, touchRequest(ctap2), opts);
  } catch (e) {
    if (e instanceof CtapError && TOUCHED.has(e.status)) return;
    throw e;
  }
}

/** The CTAP 2.0 touch request: dummy RP and user, ES256, empty pinUvAuthParam, protocol one. */
export function touchRequest(ctap2: Ctap2): Map<number, unknown> {
  const protocols = ctap2.info.pinUvAuthProtocols;
  return encodeMakeCredential({
    clientDataHash: new Uint8Array(32),
    rp: { id: '.dummy' },
    user: { id: new Uint8Array([0x01]), name: 'dummy' },
    pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
    pinUvAuthParam: new Uint8Array(0),
    pinUvAuthProtocol: protocols.length === 0 || protocols.includes(1) ? 1 : protocols[0]!,
  });
}

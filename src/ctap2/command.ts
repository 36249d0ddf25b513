/**
 * One CTAP2 request/response over CTAPHID_CBOR (CTAP 2.1 §6 "Authenticator API", §8 "Message
 * Encoding"): command byte followed by canonical CBOR parameters; the answer is a status byte
 * followed by an optional CBOR map. Kept apart from the Ctap2 class so getInfo can use it before
 * an AuthenticatorInfo exists.
 */
import { type CborValue, decodeCbor, encodeCbor, expectMap } from '../cbor.js';
import type { CallOptions, CtapHidDevice } from '../ctaphid/device.js';
import { CtapError, MessageTooLargeError, ProtocolError } from '../errors.js';

/** CTAP2 command bytes (CTAP 2.1 §6; 0x41 is the pre-2.1 credential management command). */
export const Ctap2Command = {
  MAKE_CREDENTIAL: 0x01,
  GET_ASSERTION: 0x02,
  GET_INFO: 0x04,
  CLIENT_PIN: 0x06,
  RESET: 0x07,
  GET_NEXT_ASSERTION: 0x08,
  BIO_ENROLLMENT: 0x09,
  CREDENTIAL_MANAGEMENT: 0x0a,
  SELECTION: 0x0b,
  LARGE_BLOBS: 0x0c,
  CONFIG: 0x0d,
  CREDENTIAL_MANAGEMENT_PRE: 0x41,
} as const;

const COMMAND_NAMES = new Map<number, string>([
  [0x01, 'authenticatorMakeCredential'],
  [0x02, 'authenticatorGetAssertion'],
  [0x04, 'authenticatorGetInfo'],
  [0x06, 'authenticatorClientPIN'],
  [0x07, 'authenticatorReset'],
  [0x08, 'authenticatorGetNextAssertion'],
  [0x09, 'authenticatorBioEnrollment'],
  [0x0a, 'authenticatorCredentialManagement'],
  [0x0b, 'authenticatorSelection'],
  [0x0c, 'authenticatorLargeBlobs'],
  [0x0d, 'authenticatorConfig'],
  [0x41, 'authenticatorCredentialManagement (preview)'],
]);

/** The spec name of a command byte, for error messages. */
export function ctap2CommandName(command: number): string {
  return COMMAND_NAMES.get(command) ?? `command 0x${command.toString(16).padStart(2, '0')}`;
}

/** Build the CTAPHID_CBOR payload: command byte || canonical CBOR of the parameters (if any). */
export function encodeRequest(command: number, params?: Map<number, unknown>): Uint8Array {
  const body = params ? encodeCbor(params as CborValue) : new Uint8Array(0);
  const out = new Uint8Array(1 + body.length);
  out[0] = command;
  out.set(body, 1);
  return out;
}

/**
 * Read a CTAPHID_CBOR answer: a non-zero status byte is a CtapError keeping the status (unknown
 * codes included), an empty body is `undefined`, anything else must be a CBOR map.
 */
export function decodeResponse(command: number, response: Uint8Array): Map<unknown, unknown> | undefined {
  if (response.length === 0) throw new ProtocolError(`Empty answer to ${ctap2CommandName(command)}`);
  const status = response[0]!;
  if (status !== 0) throw new CtapError(status, ctap2CommandName(command));
  if (response.length === 1) return undefined;
  return expectMap(decodeCbor(response.subarray(1)), ctap2CommandName(command));
}

/**
 * Send one CTAP2 command and decode the answer. `maxMsgSize` is the key's advertised limit
 * (getInfo 0x05); a larger request is refused before anything is sent.
 */
export async function sendCbor(
  device: CtapHidDevice,
  command: number,
  params: Map<number, unknown> | undefined,
  opts: CallOptions | undefined,
  maxMsgSize?: number,
): Promise<Map<unknown, unknown> | undefined> {
  const request = encodeRequest(command, params);
  if (maxMsgSize !== undefined && request.length > maxMsgSize) {
    throw new MessageTooLargeError(request.length, maxMsgSize);
  }
  const response = await device.cbor(request, opts);
  return decodeResponse(command, response);
}

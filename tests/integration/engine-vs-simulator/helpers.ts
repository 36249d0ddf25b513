/**
 * Small checks shared by the engine-against-simulator scenarios: exact CTAP status assertions,
 * authenticator data parsing (WebAuthn §6.1, as returned by CTAP 2.1 §6.1 and §6.2), a
 * discoverable credential made through the engine, and a hand-built changePIN (§6.5.5.6) for the
 * one request the engine itself refuses to send (a new PIN equal to the current one).
 */
import { createHash, createPublicKey, createVerify, randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { ClientPin, Permission } from '../../../src/ctap2/client-pin.js';
import { Ctap2Command } from '../../../src/ctap2/command.js';
import type { Ctap2 } from '../../../src/ctap2/ctap2.js';
import { makeCredential, type RelyingParty, type UserEntity } from '../../../src/ctap2/make-credential.js';
import { CtapStatus, type CtapStatusName } from '../../../src/ctap2/status.js';
import type { KeepaliveState } from '../../../src/ctaphid/device.js';
import { CtapError } from '../../../src/errors.js';
import { type PinUvAuthProtocol, zeroize } from '../../../src/pin/protocol.js';
import { encodeCurrentPin, padPin } from '../../../src/pin/rules.js';

/** Await a promise that must fail with exactly this CTAP status; returns the error. */
export async function expectCtapError(p: Promise<unknown>, name: CtapStatusName): Promise<CtapError> {
  const outcome = await p.then(
    () => 'resolved' as const,
    (e: unknown) => e,
  );
  expect(outcome, `expected ${name}`).toBeInstanceOf(CtapError);
  const e = outcome as CtapError;
  expect(e.statusName).toBe(name);
  expect(e.status).toBe(CtapStatus[name]);
  return e;
}

/** Await a promise that must fail; returns what it failed with. */
export async function rejectionOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection, the call succeeded');
    },
    (e: unknown) => e,
  );
}

export function sha256(text: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(text).digest());
}

/** WebAuthn authenticator data flags. */
export const Flag = { UP: 0x01, UV: 0x04, AT: 0x40 } as const;

export interface ParsedAuthData {
  rpIdHash: Uint8Array;
  flags: number;
  signCount: number;
  aaguid?: Uint8Array;
  credentialId?: Uint8Array;
}

/** rpIdHash(32) flags(1) signCount(4) [aaguid(16) L(2) credentialId(L) credentialPublicKey]. */
export function parseAuthData(authData: Uint8Array): ParsedAuthData {
  const view = new DataView(authData.buffer, authData.byteOffset, authData.byteLength);
  const out: ParsedAuthData = {
    rpIdHash: authData.slice(0, 32),
    flags: authData[32]!,
    signCount: view.getUint32(33),
  };
  if (out.flags & Flag.AT) {
    out.aaguid = authData.slice(37, 53);
    const length = view.getUint16(53);
    out.credentialId = authData.slice(55, 55 + length);
  }
  return out;
}

export const ES256 = { type: 'public-key' as const, alg: -7 };

/**
 * makeCredential with rk through the engine, authorised by a fresh token with the mc permission
 * (a token is spent by a user-verified makeCredential, §6.1.2 step 11, so each call gets its own).
 */
export async function makeDiscoverableCredential(
  ctap2: Ctap2,
  pin: string,
  rp: RelyingParty,
  user: UserEntity,
): Promise<{ credentialId: Uint8Array; authData: ParsedAuthData; fmt: string }> {
  const token = await new ClientPin(ctap2).getToken(pin, Permission.MC, rp.id);
  try {
    const clientDataHash = new Uint8Array(randomBytes(32));
    const res = await makeCredential(ctap2, {
      clientDataHash,
      rp,
      user,
      pubKeyCredParams: [ES256],
      options: { rk: true },
      pinUvAuthParam: token.authenticate(clientDataHash),
      pinUvAuthProtocol: token.protocol.version,
    });
    const authData = parseAuthData(res.authData);
    if (!authData.credentialId) throw new Error('makeCredential returned no attested credential data');
    return { credentialId: authData.credentialId, authData, fmt: res.fmt };
  } finally {
    token.destroy();
  }
}

/** Verify an ES256 assertion signature over authData || clientDataHash with a COSE_Key (-2: x, -3: y). */
export function verifyEs256(coseKey: unknown, authData: Uint8Array, clientDataHash: Uint8Array, signature: Uint8Array): boolean {
  if (!(coseKey instanceof Map)) return false;
  const x = coseKey.get(-2);
  const y = coseKey.get(-3);
  if (!(x instanceof Uint8Array) || !(y instanceof Uint8Array)) return false;
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: Buffer.from(x).toString('base64url'), y: Buffer.from(y).toString('base64url') },
    format: 'jwk',
  });
  return createVerify('sha256').update(authData).update(clientDataHash).verify(key, signature);
}

/**
 * changePIN (§6.5.5.6) built by hand with the engine's protocol classes: the engine's ClientPin
 * refuses a new PIN equal to the current one before sending, but the key must refuse it too.
 */
export async function rawChangePin(ctap2: Ctap2, protocol: PinUvAuthProtocol, currentPin: string, newPin: string): Promise<void> {
  const clientPin = new ClientPin(ctap2, protocol);
  const peer = await clientPin.getKeyAgreement();
  const { keyAgreement, sharedSecret } = protocol.encapsulate(peer);
  const current = encodeCurrentPin(currentPin);
  const pinHash = new Uint8Array(createHash('sha256').update(current).digest()).slice(0, 16);
  const next = encodeCurrentPin(newPin);
  const padded = padPin(next);
  try {
    const pinHashEnc = protocol.encrypt(sharedSecret, pinHash);
    const newPinEnc = protocol.encrypt(sharedSecret, padded);
    const message = new Uint8Array(newPinEnc.length + pinHashEnc.length);
    message.set(newPinEnc, 0);
    message.set(pinHashEnc, newPinEnc.length);
    await ctap2.send(
      Ctap2Command.CLIENT_PIN,
      new Map<number, unknown>([
        [0x01, protocol.version],
        [0x02, 0x04], // changePIN
        [0x03, keyAgreement],
        [0x04, protocol.authenticate(sharedSecret, message)],
        [0x05, newPinEnc],
        [0x06, pinHashEnc],
      ]),
    );
  } finally {
    zeroize(current, next, pinHash, padded, sharedSecret);
  }
}

/** An onKeepalive callback that records every state and plays the user once "up-needed" is seen. */
export function userAt(onUpNeeded: () => void): { states: KeepaliveState[]; onKeepalive: (s: KeepaliveState) => void } {
  const states: KeepaliveState[] = [];
  let acted = false;
  return {
    states,
    onKeepalive: (s) => {
      states.push(s);
      if (s === 'up-needed' && !acted) {
        acted = true;
        onUpNeeded();
      }
    },
  };
}

/**
 * THE scenario table: what a referee (python-fido2's own checks against a key) asks of a FIDO2
 * key, played by our engine against the software authenticator. Each row states the key it needs
 * and drives it through the public engine API only; every failure is checked by its exact CTAP
 * status (CTAP 2.1 §8.2) and every state change by the key's snapshot().
 * The same rows run over every transport (see engine-vs-simulator.test.ts).
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { profiles } from '../../../src/authenticator/index.js';
import { ClientPin, Permission } from '../../../src/ctap2/client-pin.js';
import { Ctap2Command } from '../../../src/ctap2/command.js';
import { AuthenticatorConfig } from '../../../src/ctap2/config.js';
import { CredentialManagement } from '../../../src/ctap2/credential-management.js';
import { Ctap2, U2F_ONLY_MESSAGE } from '../../../src/ctap2/ctap2.js';
import { getAssertion } from '../../../src/ctap2/get-assertion.js';
import { pinState, supportsCtap21 } from '../../../src/ctap2/get-info.js';
import { makeCredential } from '../../../src/ctap2/make-credential.js';
import { reset } from '../../../src/ctap2/reset.js';
import { selection, touchRequest } from '../../../src/ctap2/selection.js';
import { CtapHidCmd } from '../../../src/ctaphid/framing.js';
import { CancelledError, CtapHidError, NotSupportedError, PinRuleError } from '../../../src/errors.js';
import { PinUvAuthProtocolOne, PinUvAuthProtocolTwo } from '../../../src/pin/protocol.js';
import {
  ES256,
  Flag,
  expectCtapError,
  makeDiscoverableCredential,
  parseAuthData,
  rawChangePin,
  rejectionOf,
  sha256,
  userAt,
  verifyEs256,
} from './helpers.js';
import type { ScenarioKeyOptions, Session } from './transports.js';

export interface Scenario {
  name: string;
  /** The key this row needs (profile, presence policy, windows); fast defaults otherwise. */
  key?: ScenarioKeyOptions;
  /** false for keys without CTAP2: the row gets the CTAPHID channel only. */
  ctap2?: false;
  run(s: Session): Promise<void>;
}

const PIN = '4821-Zq7';
const NEW_PIN = '9135-Yk3x';
const WRONG_PIN = '0000-bad';
const RP = { id: 'example.com', name: 'Example' };
const ALICE = { id: Uint8Array.of(0xa1, 0x1c, 0xe0), name: 'alice@example.com', displayName: 'Alice' };
const BOB = { id: Uint8Array.of(0xb0, 0xb0), name: 'bob@example.com', displayName: 'Bob' };

const hex = (b: Uint8Array | undefined): string => Buffer.from(b ?? new Uint8Array(0)).toString('hex');
const cdh = (): Uint8Array => new Uint8Array(randomBytes(32));

/** Set the PIN through the engine and check the key now holds one with full retries. */
async function setPin(s: Session, pin = PIN): Promise<ClientPin> {
  const clientPin = new ClientPin(s.ctap2);
  await clientPin.setPin(pin);
  expect(s.key.snapshot()).toMatchObject({ pinSet: true, pinRetries: 8, powerCycleBlocked: false });
  return clientPin;
}

/** Wrong PIN, `times` times, each answered with the given status. */
async function wrongPin(clientPin: ClientPin, ...statuses: ('CTAP2_ERR_PIN_INVALID' | 'CTAP2_ERR_PIN_AUTH_BLOCKED' | 'CTAP2_ERR_PIN_BLOCKED')[]) {
  for (const status of statuses) await expectCtapError(clientPin.getToken(WRONG_PIN, Permission.MC), status);
}

/** changePIN end to end with one PIN/UV auth protocol (§6.5.5.6, §6.5.6 / §6.5.7). */
function changePinWith(version: 1 | 2): Scenario {
  return {
    name: `change PIN with PIN/UV auth protocol ${version}`,
    run: async (s) => {
      const clientPin = new ClientPin(s.ctap2, version === 1 ? new PinUvAuthProtocolOne() : new PinUvAuthProtocolTwo());
      expect(clientPin.protocol.version).toBe(version);
      await clientPin.setPin(PIN);
      // A wrong current PIN: refused, one retry spent, the PIN unchanged.
      await expectCtapError(clientPin.changePin(WRONG_PIN, NEW_PIN), 'CTAP2_ERR_PIN_INVALID');
      expect(s.key.snapshot()).toMatchObject({ pinSet: true, pinRetries: 7 });
      await clientPin.changePin(PIN, NEW_PIN);
      expect(s.key.snapshot()).toMatchObject({ pinSet: true, pinRetries: 8, forcePinChange: false });
      await expectCtapError(clientPin.getPinToken(PIN), 'CTAP2_ERR_PIN_INVALID');
      const token = await clientPin.getPinToken(NEW_PIN);
      expect(token.protocol.version).toBe(version);
      expect(token.token.length).toBe(32);
      token.destroy();
      expect(s.key.snapshot().pinRetries).toBe(8);
    },
  };
}

export const scenarios: Scenario[] = [
  {
    name: 'getInfo: a factory-fresh CTAP 2.1 key as the engine reads it',
    run: async (s) => {
      expect(s.device.isCtap2).toBe(true);
      expect(s.device.init.capabilities).toMatchObject({ cbor: true, wink: true, nmsg: false });
      expect(s.device.init.deviceVersion).toEqual([5, 7, 0]);
      const info = s.ctap2.info;
      expect(info.versions).toEqual(['U2F_V2', 'FIDO_2_0', 'FIDO_2_1']);
      expect(supportsCtap21(info)).toBe(true);
      expect(hex(info.aaguid)).toBe(hex(profiles.ctap21.aaguid));
      expect(info.aaguidString).toBe('5c6b1e1a-0d2f-4a8e-9b52-7f0e3c2d2121');
      expect(info.options).toEqual({
        rk: true,
        up: true,
        plat: false,
        clientPin: false,
        credMgmt: true,
        authnrCfg: true,
        setMinPINLength: true,
        pinUvAuthToken: true,
        makeCredUvNotRqd: true,
        alwaysUv: false,
      });
      expect(pinState(info)).toBe('not-set');
      expect(info).toMatchObject({
        maxMsgSize: 1200,
        pinUvAuthProtocols: [2, 1],
        transports: ['usb'],
        algorithms: [ES256],
        forcePINChange: false,
        minPINLength: 4,
        firmwareVersion: 0x050700,
        maxRPIDsForSetMinPINLength: 8,
        remainingDiscoverableCredentials: 25,
        longTouchForReset: false,
      });
      expect(await new ClientPin(s.ctap2).getPinRetries()).toEqual({ retries: 8, powerCycleState: false });
      expect(s.key.snapshot()).toMatchObject({ pinSet: false, pinRetries: 8, minPinLength: 4, forcePinChange: false, credentials: [] });
    },
  },
  {
    name: 'set PIN: clientPin turns true, a second setPIN is NOT_ALLOWED',
    run: async (s) => {
      const clientPin = new ClientPin(s.ctap2);
      expect(clientPin.protocol.version).toBe(2);
      // Too short: refused by the engine before anything is sent.
      const short = await rejectionOf(clientPin.setPin('12'));
      expect(short).toBeInstanceOf(PinRuleError);
      expect((short as PinRuleError).rule).toBe('TOO_SHORT');
      expect(s.key.snapshot().pinSet).toBe(false);
      // No PIN yet: nothing to get a token with or to change.
      await expectCtapError(clientPin.getToken(PIN, Permission.MC), 'CTAP2_ERR_PIN_NOT_SET');
      await expectCtapError(clientPin.changePin(PIN, NEW_PIN), 'CTAP2_ERR_PIN_NOT_SET');
      expect(s.key.snapshot()).toMatchObject({ pinSet: false, pinRetries: 8 });

      await clientPin.setPin(PIN);
      expect(s.key.snapshot()).toMatchObject({ pinSet: true, pinRetries: 8, forcePinChange: false });
      const info = await s.ctap2.refreshInfo();
      expect(info.options.clientPin).toBe(true);
      expect(pinState(info)).toBe('set');
      expect(await clientPin.getPinRetries()).toEqual({ retries: 8, powerCycleState: false });

      await expectCtapError(clientPin.setPin(NEW_PIN), 'CTAP2_ERR_NOT_ALLOWED');
      // The first PIN is still the PIN.
      const token = await clientPin.getToken(PIN, Permission.MC | Permission.GA);
      expect(token.token.length).toBe(32);
      token.destroy();
      await expectCtapError(clientPin.getToken(NEW_PIN, Permission.MC), 'CTAP2_ERR_PIN_INVALID');
    },
  },
  changePinWith(1),
  changePinWith(2),
  {
    name: 'retries: a wrong PIN costs one retry, the right PIN restores them',
    run: async (s) => {
      const clientPin = await setPin(s);
      await wrongPin(clientPin, 'CTAP2_ERR_PIN_INVALID');
      expect(await clientPin.getPinRetries()).toEqual({ retries: 7, powerCycleState: false });
      expect(s.key.snapshot()).toMatchObject({ pinRetries: 7, powerCycleBlocked: false });
      await wrongPin(clientPin, 'CTAP2_ERR_PIN_INVALID');
      expect(s.key.snapshot().pinRetries).toBe(6);
      const token = await clientPin.getToken(PIN, Permission.MC);
      token.destroy();
      expect(await clientPin.getPinRetries()).toEqual({ retries: 8, powerCycleState: false });
      expect(s.key.snapshot().pinRetries).toBe(8);
      // The right PIN also restarted the count of consecutive mismatches: two more are not a block.
      await wrongPin(clientPin, 'CTAP2_ERR_PIN_INVALID', 'CTAP2_ERR_PIN_INVALID');
      expect(s.key.snapshot()).toMatchObject({ pinRetries: 6, powerCycleBlocked: false });
    },
  },
  {
    name: 'three wrong PINs: PIN_AUTH_BLOCKED until a power cycle, then the PIN works again',
    run: async (s) => {
      const clientPin = await setPin(s);
      const before = await clientPin.getToken(PIN, Permission.CM);
      await wrongPin(clientPin, 'CTAP2_ERR_PIN_INVALID', 'CTAP2_ERR_PIN_INVALID', 'CTAP2_ERR_PIN_AUTH_BLOCKED');
      expect(s.key.snapshot()).toMatchObject({ pinRetries: 5, powerCycleBlocked: true });
      expect(await clientPin.getPinRetries()).toEqual({ retries: 5, powerCycleState: true });
      // Even the right PIN is refused now, and costs nothing.
      await expectCtapError(clientPin.getToken(PIN, Permission.MC), 'CTAP2_ERR_PIN_AUTH_BLOCKED');
      await expectCtapError(clientPin.changePin(PIN, NEW_PIN), 'CTAP2_ERR_PIN_AUTH_BLOCKED');
      expect(s.key.snapshot().pinRetries).toBe(5);

      s.key.unplug();
      expect(s.key.snapshot().pluggedIn).toBe(false);
      s.key.plug();
      await s.connect();
      expect(s.key.snapshot()).toMatchObject({ pluggedIn: true, pinRetries: 5, powerCycleBlocked: false });
      // The power cycle also ended the token obtained before it.
      await expectCtapError(new CredentialManagement(s.ctap2, before).getMetadata(), 'CTAP2_ERR_PIN_AUTH_INVALID');
      before.destroy();
      const again = new ClientPin(s.ctap2);
      expect(await again.getPinRetries()).toEqual({ retries: 5, powerCycleState: false });
      const token = await again.getToken(PIN, Permission.MC);
      token.destroy();
      expect(s.key.snapshot().pinRetries).toBe(8);
    },
  },
  {
    name: 'PIN_BLOCKED at zero retries: power cycles do not help, only a reset does',
    key: { resetWindowMs: 5_000 },
    run: async (s) => {
      await setPin(s);
      for (const left of [5, 2]) {
        await wrongPin(new ClientPin(s.ctap2), 'CTAP2_ERR_PIN_INVALID', 'CTAP2_ERR_PIN_INVALID', 'CTAP2_ERR_PIN_AUTH_BLOCKED');
        expect(s.key.snapshot()).toMatchObject({ pinRetries: left, powerCycleBlocked: true });
        await s.powerCycle();
      }
      const clientPin = new ClientPin(s.ctap2);
      await wrongPin(clientPin, 'CTAP2_ERR_PIN_INVALID', 'CTAP2_ERR_PIN_BLOCKED');
      expect(s.key.snapshot()).toMatchObject({ pinSet: true, pinRetries: 0 });
      expect((await clientPin.getPinRetries()).retries).toBe(0);
      await expectCtapError(clientPin.getToken(PIN, Permission.MC), 'CTAP2_ERR_PIN_BLOCKED');
      await expectCtapError(clientPin.changePin(PIN, NEW_PIN), 'CTAP2_ERR_PIN_BLOCKED');

      await s.powerCycle();
      await expectCtapError(new ClientPin(s.ctap2).getToken(PIN, Permission.MC), 'CTAP2_ERR_PIN_BLOCKED');
      expect(s.key.snapshot()).toMatchObject({ pinSet: true, pinRetries: 0, powerCycleBlocked: false });

      await reset(s.ctap2);
      expect(s.key.snapshot()).toMatchObject({ pinSet: false, pinRetries: 8 });
      expect((await s.ctap2.refreshInfo()).options.clientPin).toBe(false);
      await setPin(s, NEW_PIN);
    },
  },
  {
    name: 'forcePINChange: tokens refused with PIN_POLICY_VIOLATION until changePIN, the same PIN refused',
    run: async (s) => {
      const clientPin = await setPin(s);
      const acfg = await clientPin.getToken(PIN, Permission.ACFG);
      expect(acfg.permissions).toBe(Permission.ACFG);
      await new AuthenticatorConfig(s.ctap2, acfg).setMinPinLength({ forceChangePin: true });
      acfg.destroy();
      expect(s.key.snapshot()).toMatchObject({ forcePinChange: true, minPinLength: 4, pinRetries: 8 });
      expect((await s.ctap2.refreshInfo()).forcePINChange).toBe(true);

      // The right PIN, but no token of either kind until the PIN is changed; no retry is lost.
      await expectCtapError(clientPin.getToken(PIN, Permission.MC), 'CTAP2_ERR_PIN_POLICY_VIOLATION');
      await expectCtapError(clientPin.getPinToken(PIN), 'CTAP2_ERR_PIN_POLICY_VIOLATION');
      expect(s.key.snapshot().pinRetries).toBe(8);

      // "Changing" to the same PIN: the engine refuses before sending, and so does the key.
      const local = await rejectionOf(clientPin.changePin(PIN, PIN));
      expect(local).toBeInstanceOf(PinRuleError);
      expect((local as PinRuleError).rule).toBe('SAME_AS_CURRENT');
      await expectCtapError(rawChangePin(s.ctap2, clientPin.protocol, PIN, PIN), 'CTAP2_ERR_PIN_POLICY_VIOLATION');
      expect(s.key.snapshot()).toMatchObject({ forcePinChange: true, pinRetries: 8 });

      await clientPin.changePin(PIN, NEW_PIN);
      expect(s.key.snapshot()).toMatchObject({ forcePinChange: false, pinRetries: 8 });
      expect((await s.ctap2.refreshInfo()).forcePINChange).toBe(false);
      const token = await clientPin.getToken(NEW_PIN, Permission.MC);
      token.destroy();
      await expectCtapError(clientPin.getToken(PIN, Permission.MC), 'CTAP2_ERR_PIN_INVALID');
    },
  },
  {
    name: 'setMinPINLength above the current PIN forces a change to a long enough PIN',
    run: async (s) => {
      const clientPin = await setPin(s); // 8 code points
      const acfg = await clientPin.getToken(PIN, Permission.ACFG);
      await new AuthenticatorConfig(s.ctap2, acfg).setMinPinLength({ newMinPINLength: 10 });
      acfg.destroy();
      expect(s.key.snapshot()).toMatchObject({ minPinLength: 10, forcePinChange: true });
      const info = await s.ctap2.refreshInfo();
      expect(info).toMatchObject({ minPINLength: 10, forcePINChange: true });
      await expectCtapError(clientPin.getToken(PIN, Permission.MC), 'CTAP2_ERR_PIN_POLICY_VIOLATION');
      // Nine code points: the engine knows the new minimum and refuses locally, the key refuses too.
      const local = await rejectionOf(clientPin.changePin(PIN, NEW_PIN));
      expect(local).toMatchObject({ rule: 'TOO_SHORT', minLength: 10 });
      await expectCtapError(rawChangePin(s.ctap2, clientPin.protocol, PIN, NEW_PIN), 'CTAP2_ERR_PIN_POLICY_VIOLATION');
      await clientPin.changePin(PIN, `${NEW_PIN}!`);
      expect(s.key.snapshot()).toMatchObject({ minPinLength: 10, forcePinChange: false, pinRetries: 8 });
      expect(await s.ctap2.refreshInfo()).toMatchObject({ minPINLength: 10, forcePINChange: false });
    },
  },
  {
    name: 'reset: inside the window after power-up it erases everything, outside it is NOT_ALLOWED',
    key: { resetWindowMs: 400 },
    run: async (s) => {
      await setPin(s);
      await makeDiscoverableCredential(s.ctap2, PIN, RP, ALICE);
      expect(s.key.snapshot().credentials).toHaveLength(1);

      s.advanceKeyClock(401);
      expect(s.key.snapshot().msSincePowerUp).toBeGreaterThan(400);
      await expectCtapError(reset(s.ctap2), 'CTAP2_ERR_NOT_ALLOWED');
      expect(s.key.snapshot()).toMatchObject({ pinSet: true, pinRetries: 8 });
      expect(s.key.snapshot().credentials).toHaveLength(1);

      // A power cycle opens the window again.
      await s.powerCycle();
      await reset(s.ctap2);
      expect(s.key.snapshot()).toMatchObject({
        pinSet: false,
        pinRetries: 8,
        minPinLength: 4,
        forcePinChange: false,
        alwaysUv: false,
        credentials: [],
      });
      const info = await s.ctap2.refreshInfo();
      expect(info.options.clientPin).toBe(false);
      expect(info.remainingDiscoverableCredentials).toBe(25);
    },
  },
  {
    name: 'two discoverable credentials: made with an mc token, enumerated and deleted with credential management',
    run: async (s) => {
      const clientPin = await setPin(s);
      // Once a PIN is set, a discoverable credential needs a token, and one with the mc permission.
      const noToken = cdh();
      await expectCtapError(
        makeCredential(s.ctap2, { clientDataHash: noToken, rp: RP, user: ALICE, pubKeyCredParams: [ES256], options: { rk: true } }),
        'CTAP2_ERR_PUAT_REQUIRED',
      );
      const cmOnly = await clientPin.getToken(PIN, Permission.CM);
      const hash = cdh();
      await expectCtapError(
        makeCredential(s.ctap2, {
          clientDataHash: hash,
          rp: RP,
          user: ALICE,
          pubKeyCredParams: [ES256],
          options: { rk: true },
          pinUvAuthParam: cmOnly.authenticate(hash),
          pinUvAuthProtocol: cmOnly.protocol.version,
        }),
        'CTAP2_ERR_PIN_AUTH_INVALID',
      );
      cmOnly.destroy();
      expect(s.key.snapshot().credentials).toEqual([]);

      // A token is bound to its RP ID, and a user-verified makeCredential spends its mc permission (§6.1.2).
      const mc = await clientPin.getToken(PIN, Permission.MC, RP.id);
      const mcRequest = (rpId: string, user: typeof ALICE) => {
        const clientDataHash = cdh();
        return makeCredential(s.ctap2, {
          clientDataHash,
          rp: { id: rpId },
          user,
          pubKeyCredParams: [ES256],
          options: { rk: true },
          pinUvAuthParam: mc.authenticate(clientDataHash),
          pinUvAuthProtocol: mc.protocol.version,
        });
      };
      await expectCtapError(mcRequest('other.example.org', ALICE), 'CTAP2_ERR_PIN_AUTH_INVALID');
      const first = await mcRequest(RP.id, ALICE);
      await expectCtapError(mcRequest(RP.id, BOB), 'CTAP2_ERR_PIN_AUTH_INVALID');
      mc.destroy();
      expect(s.key.snapshot().credentials).toHaveLength(1);
      const firstId = parseAuthData(first.authData).credentialId!;
      expect(hex(s.key.snapshot().credentials[0]!.credentialId)).toBe(hex(firstId));

      // The same user again replaces the first credential (one per RP and user handle).
      const alice = await makeDiscoverableCredential(s.ctap2, PIN, RP, ALICE);
      expect(s.key.snapshot().credentials.map((c) => hex(c.credentialId))).toEqual([hex(alice.credentialId)]);
      const bob = await makeDiscoverableCredential(s.ctap2, PIN, RP, BOB);
      for (const made of [alice, bob]) {
        expect(made.fmt).toBe('packed');
        expect(made.authData.flags).toBe(Flag.UP | Flag.UV | Flag.AT);
        expect(hex(made.authData.rpIdHash)).toBe(hex(sha256(RP.id)));
        expect(hex(made.authData.aaguid)).toBe(hex(profiles.ctap21.aaguid));
      }
      expect(alice.authData.signCount).toBeLessThan(bob.authData.signCount);
      const stored = s.key.snapshot().credentials.map((c) => ({ rpId: c.rpId, userName: c.userName, id: hex(c.credentialId) }));
      expect(stored).toEqual(
        expect.arrayContaining([
          { rpId: RP.id, userName: ALICE.name, id: hex(alice.credentialId) },
          { rpId: RP.id, userName: BOB.name, id: hex(bob.credentialId) },
        ]),
      );
      expect(stored).toHaveLength(2);
      expect((await s.ctap2.refreshInfo()).remainingDiscoverableCredentials).toBe(23);

      const cmToken = await clientPin.getToken(PIN, Permission.CM);
      const cm = new CredentialManagement(s.ctap2, cmToken);
      expect(cm.command).toBe(Ctap2Command.CREDENTIAL_MANAGEMENT);
      expect(await cm.getMetadata()).toEqual({ existingResidentCredentialsCount: 2, maxPossibleRemainingResidentCredentialsCount: 23 });
      const rps = await cm.enumerateRps();
      expect(rps.map((r) => ({ rp: r.rp, rpIdHash: hex(r.rpIdHash) }))).toEqual([{ rp: RP, rpIdHash: hex(sha256(RP.id)) }]);
      const listed = await cm.enumerateCredentials(rps[0]!.rpIdHash);
      const byName = new Map(listed.map((c) => [c.user.name, c]));
      expect(listed).toHaveLength(2);
      for (const [user, made] of [
        [ALICE, alice],
        [BOB, bob],
      ] as const) {
        const entry = byName.get(user.name);
        expect(entry).toBeDefined();
        expect(hex(entry!.user.id)).toBe(hex(user.id));
        expect(entry!.user.displayName).toBe(user.displayName);
        expect(entry!.credentialId.type).toBe('public-key');
        expect(hex(entry!.credentialId.id)).toBe(hex(made.credentialId));
      }

      // The listed public key is the credential's: an assertion by Alice's credential verifies with it.
      const gaToken = await clientPin.getToken(PIN, Permission.GA, RP.id);
      const challenge = cdh();
      const assertion = await getAssertion(s.ctap2, {
        rpId: RP.id,
        clientDataHash: challenge,
        allowList: [{ type: 'public-key', id: alice.credentialId }],
        pinUvAuthParam: gaToken.authenticate(challenge),
        pinUvAuthProtocol: gaToken.protocol.version,
      });
      gaToken.destroy();
      expect(hex(assertion.credential?.id)).toBe(hex(alice.credentialId));
      expect(parseAuthData(assertion.authData).flags & (Flag.UP | Flag.UV)).toBe(Flag.UP | Flag.UV);
      expect(verifyEs256(byName.get(ALICE.name)!.publicKey, assertion.authData, challenge, assertion.signature)).toBe(true);
      expect(verifyEs256(byName.get(BOB.name)!.publicKey, assertion.authData, challenge, assertion.signature)).toBe(false);

      // The new token replaced the cm one: the old token no longer authenticates anything.
      await expectCtapError(cm.getMetadata(), 'CTAP2_ERR_PIN_AUTH_INVALID');
      cmToken.destroy();

      const manager = new CredentialManagement(s.ctap2, await clientPin.getToken(PIN, Permission.CM));
      await manager.deleteCredential({ type: 'public-key', id: alice.credentialId });
      expect(s.key.snapshot().credentials.map((c) => hex(c.credentialId))).toEqual([hex(bob.credentialId)]);
      expect(await manager.getMetadata()).toEqual({ existingResidentCredentialsCount: 1, maxPossibleRemainingResidentCredentialsCount: 24 });
      expect((await manager.enumerateCredentials(sha256(RP.id))).map((c) => c.user.name)).toEqual([BOB.name]);
      await manager.deleteCredential({ type: 'public-key', id: bob.credentialId });
      expect(s.key.snapshot().credentials).toEqual([]);
      expect(await manager.enumerateRps()).toEqual([]);
      expect(await manager.enumerateCredentials(sha256(RP.id))).toEqual([]);
      await expectCtapError(manager.deleteCredential({ type: 'public-key', id: alice.credentialId }), 'CTAP2_ERR_NO_CREDENTIALS');
      manager.token.destroy();
      expect((await s.ctap2.refreshInfo()).remainingDiscoverableCredentials).toBe(25);
    },
  },
  {
    name: 'authenticatorSelection waits for a touch; the 2.0 touch request (empty pinUvAuthParam) still works on 2.1',
    key: { presence: { kind: 'manual' } },
    run: async (s) => {
      const user = userAt(() => s.key.presence.touch());
      await selection(s.ctap2, { onKeepalive: user.onKeepalive });
      expect(user.states).toContain('up-needed');
      expect(s.key.presence.waiting).toBe(false);

      // makeCredential with a zero-length pinUvAuthParam: touch, then PIN_NOT_SET (§6.1.2 step 1).
      const probe = userAt(() => s.key.presence.touch());
      await expectCtapError(s.ctap2.send(Ctap2Command.MAKE_CREDENTIAL, touchRequest(s.ctap2), { onKeepalive: probe.onKeepalive }), 'CTAP2_ERR_PIN_NOT_SET');
      expect(probe.states).toContain('up-needed');
      expect(s.key.snapshot().credentials).toEqual([]);
    },
  },
  {
    name: 'keepalive: up-needed is reported while the key waits for a manual touch, and nothing happens before it',
    key: { presence: { kind: 'manual' }, resetWindowMs: 10_000 },
    run: async (s) => {
      await setPin(s);
      const seenBeforeTouch: boolean[] = [];
      const user = userAt(() => {
        seenBeforeTouch.push(s.key.snapshot().pinSet, s.key.presence.waiting);
        s.key.presence.touch();
      });
      await reset(s.ctap2, { onKeepalive: user.onKeepalive });
      // While up-needed was reported the key was blinking and had not erased anything yet.
      expect(seenBeforeTouch).toEqual([true, true]);
      expect(user.states).toContain('up-needed');
      expect(s.key.snapshot()).toMatchObject({ pinSet: false, credentials: [] });
    },
  },
  {
    name: 'cancel: aborting during a pending touch gives CancelledError and the key stays usable',
    key: { presence: { kind: 'manual' }, resetWindowMs: 10_000 },
    run: async (s) => {
      const clientPin = await setPin(s);
      const token = await clientPin.getToken(PIN, Permission.MC, RP.id);
      const controller = new AbortController();
      const user = userAt(() => controller.abort());
      const hash = cdh();
      const cancelled = await rejectionOf(
        makeCredential(
          s.ctap2,
          {
            clientDataHash: hash,
            rp: RP,
            user: ALICE,
            pubKeyCredParams: [ES256],
            options: { rk: true },
            pinUvAuthParam: token.authenticate(hash),
            pinUvAuthProtocol: token.protocol.version,
          },
          { signal: controller.signal, onKeepalive: user.onKeepalive },
        ),
      );
      token.destroy();
      expect(cancelled).toBeInstanceOf(CancelledError);
      expect((cancelled as CancelledError).code).toBe('CANCELLED');
      expect(user.states).toContain('up-needed');
      // The key got CTAPHID_CANCEL: it stopped blinking and made nothing.
      expect(s.key.presence.waiting).toBe(false);
      expect(s.key.snapshot().credentials).toEqual([]);

      // A cancelled reset erases nothing.
      const resetAbort = new AbortController();
      const resetUser = userAt(() => resetAbort.abort());
      expect(await rejectionOf(reset(s.ctap2, { signal: resetAbort.signal, onKeepalive: resetUser.onKeepalive }))).toBeInstanceOf(CancelledError);
      expect(s.key.snapshot()).toMatchObject({ pinSet: true, pinRetries: 8 });

      // Same connection, same channel: the key answers again, touches included.
      expect((await s.ctap2.refreshInfo()).versions).toContain('FIDO_2_1');
      const again = userAt(() => s.key.presence.touch());
      await selection(s.ctap2, { onKeepalive: again.onKeepalive });
      s.key.presence.setPolicy({ kind: 'approve' });
      const made = await makeDiscoverableCredential(s.ctap2, PIN, RP, ALICE);
      expect(s.key.snapshot().credentials.map((c) => hex(c.credentialId))).toEqual([hex(made.credentialId)]);
    },
  },
  {
    name: 'a refused touch is OPERATION_DENIED and changes nothing',
    key: { presence: { kind: 'manual' }, resetWindowMs: 10_000 },
    run: async (s) => {
      const refused = userAt(() => s.key.presence.refuse());
      await expectCtapError(selection(s.ctap2, { onKeepalive: refused.onKeepalive }), 'CTAP2_ERR_OPERATION_DENIED');
      expect(refused.states).toContain('up-needed');

      await setPin(s);
      const resetRefused = userAt(() => s.key.presence.refuse());
      await expectCtapError(reset(s.ctap2, { onKeepalive: resetRefused.onKeepalive }), 'CTAP2_ERR_OPERATION_DENIED');
      expect(s.key.snapshot()).toMatchObject({ pinSet: true, pinRetries: 8 });

      s.key.presence.setPolicy({ kind: 'deny' });
      const clientPin = new ClientPin(s.ctap2);
      const token = await clientPin.getToken(PIN, Permission.MC, RP.id);
      const hash = cdh();
      await expectCtapError(
        makeCredential(s.ctap2, {
          clientDataHash: hash,
          rp: RP,
          user: ALICE,
          pubKeyCredParams: [ES256],
          options: { rk: true },
          pinUvAuthParam: token.authenticate(hash),
          pinUvAuthProtocol: token.protocol.version,
        }),
        'CTAP2_ERR_OPERATION_DENIED',
      );
      token.destroy();
      expect(s.key.snapshot().credentials).toEqual([]);
    },
  },
  {
    name: 'nobody touches: USER_ACTION_TIMEOUT for selection, OPERATION_DENIED for the 2.0 touch request',
    key: { presence: { kind: 'never' }, presenceTimeoutMs: 150 },
    run: async (s) => {
      const user = userAt(() => {});
      await expectCtapError(selection(s.ctap2, { onKeepalive: user.onKeepalive }), 'CTAP2_ERR_USER_ACTION_TIMEOUT');
      expect(user.states).toContain('up-needed');
      // §6.1.2 step 1: a touch request that times out ends with OPERATION_DENIED.
      await expectCtapError(s.ctap2.send(Ctap2Command.MAKE_CREDENTIAL, touchRequest(s.ctap2)), 'CTAP2_ERR_OPERATION_DENIED');
      expect(s.key.presence.waiting).toBe(false);
      expect((await s.ctap2.refreshInfo()).versions).toContain('FIDO_2_1');
    },
  },
  {
    name: 'CTAP 2.0 profile: protocol one only, no authenticatorSelection, touch via the empty pinUvAuthParam',
    key: { profile: 'ctap20', presence: { kind: 'manual' } },
    run: async (s) => {
      const info = s.ctap2.info;
      expect(info.versions).toEqual(['U2F_V2', 'FIDO_2_0']);
      expect(supportsCtap21(info)).toBe(false);
      expect(info.pinUvAuthProtocols).toEqual([1]);
      expect(info.options).toEqual({ rk: true, up: true, plat: false, clientPin: false });
      expect(hex(info.aaguid)).toBe(hex(profiles.ctap20.aaguid));

      const clientPin = new ClientPin(s.ctap2);
      expect(clientPin.protocol.version).toBe(1);
      // CTAP 2.0 has no powerCycleState.
      expect(await clientPin.getPinRetries()).toEqual({ retries: 8 });
      await expectCtapError(new ClientPin(s.ctap2, new PinUvAuthProtocolTwo()).getKeyAgreement(), 'CTAP1_ERR_INVALID_PARAMETER');
      await expectCtapError(s.ctap2.send(Ctap2Command.SELECTION), 'CTAP1_ERR_INVALID_COMMAND');
      await expectCtapError(s.ctap2.send(Ctap2Command.CONFIG, new Map([[0x01, 0x02]])), 'CTAP1_ERR_INVALID_COMMAND');
      await expectCtapError(s.ctap2.send(Ctap2Command.CREDENTIAL_MANAGEMENT, new Map([[0x01, 0x01]])), 'CTAP1_ERR_INVALID_COMMAND');

      // selection() falls back to the touch request: the key waits for the touch, then PIN_NOT_SET = touched.
      const first = userAt(() => s.key.presence.touch());
      await selection(s.ctap2, { onKeepalive: first.onKeepalive });
      expect(first.states).toContain('up-needed');
      expect(s.key.snapshot().credentials).toEqual([]);

      await clientPin.setPin(PIN);
      await s.ctap2.refreshInfo();
      await expectCtapError(clientPin.getPinUvAuthTokenUsingPinWithPermissions(PIN, Permission.MC), 'CTAP2_ERR_INVALID_SUBCOMMAND');
      const token = await clientPin.getToken(PIN, Permission.MC);
      expect(token.protocol.version).toBe(1);
      expect(() => new CredentialManagement(s.ctap2, token)).toThrow(NotSupportedError);
      expect(() => new AuthenticatorConfig(s.ctap2, token)).toThrow(NotSupportedError);
      token.destroy();

      // With a PIN set the touch request ends PIN_INVALID after the touch, and costs no retry.
      const second = userAt(() => s.key.presence.touch());
      await selection(s.ctap2, { onKeepalive: second.onKeepalive });
      expect(second.states).toContain('up-needed');
      const third = userAt(() => s.key.presence.touch());
      await expectCtapError(
        makeCredential(
          s.ctap2,
          { clientDataHash: new Uint8Array(32), rp: { id: '.dummy' }, user: { id: Uint8Array.of(1) }, pubKeyCredParams: [ES256], pinUvAuthParam: new Uint8Array(0), pinUvAuthProtocol: 1 },
          { onKeepalive: third.onKeepalive },
        ),
        'CTAP2_ERR_PIN_INVALID',
      );
      expect(s.key.snapshot()).toMatchObject({ pinSet: true, pinRetries: 8, credentials: [] });

      // A discoverable credential with a getPinToken (0x05) token over protocol one.
      s.key.presence.setPolicy({ kind: 'approve' });
      const made = await makeDiscoverableCredential(s.ctap2, PIN, RP, ALICE);
      expect(made.authData.flags).toBe(Flag.UP | Flag.UV | Flag.AT);
      expect(s.key.snapshot().credentials.map((c) => hex(c.credentialId))).toEqual([hex(made.credentialId)]);
    },
  },
  {
    name: 'U2F profile: recognised as U2F-only, Ctap2.open throws NotSupportedError, U2F still answers',
    key: { profile: 'u2f' },
    ctap2: false,
    run: async (s) => {
      expect(s.device.isCtap2).toBe(false);
      expect(s.device.init.capabilities).toMatchObject({ cbor: false, wink: true });
      const e = await rejectionOf(Ctap2.open(s.device));
      expect(e).toBeInstanceOf(NotSupportedError);
      expect(e).toMatchObject({ code: 'NOT_SUPPORTED', message: U2F_ONLY_MESSAGE });
      expect(await rejectionOf(s.device.cbor(Uint8Array.of(Ctap2Command.GET_INFO)))).toBeInstanceOf(NotSupportedError);
      // Sent anyway, CTAPHID_CBOR is an unknown command to this key.
      const raw = await rejectionOf(s.device.call(CtapHidCmd.CBOR, Uint8Array.of(Ctap2Command.GET_INFO)));
      expect(raw).toBeInstanceOf(CtapHidError);
      expect(raw).toMatchObject({ status: 0x01, statusName: 'CTAP1_ERR_INVALID_COMMAND' });

      // U2F VERSION (CLA 00, INS 03): "U2F_V2" and SW 9000.
      const version = await s.device.msg(Uint8Array.of(0x00, 0x03, 0x00, 0x00, 0x00));
      expect(Buffer.from(version.subarray(0, -2)).toString('latin1')).toBe('U2F_V2');
      expect([...version.subarray(-2)]).toEqual([0x90, 0x00]);
      let winks = 0;
      const off = s.key.onWink(() => winks++);
      await s.device.wink();
      off();
      expect(winks).toBe(1);
      expect(s.key.snapshot()).toMatchObject({ pinSet: false, credentials: [] });
    },
  },
];

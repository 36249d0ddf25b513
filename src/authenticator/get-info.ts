/**
 * authenticatorGetInfo (CTAP 2.1 §6.4), built from the profile and the current state: clientPin is
 * reported only as true/false once the key speaks a PIN protocol, forcePINChange and minPINLength
 * follow the config, remainingDiscoverableCredentials follows the store.
 */
import type { CborMap } from '../cbor.js';
import { COSE_ES256 } from './credential-crypto.js';
import { type DeviceContext, isCtap21 } from './device-context.js';

export function getInfo(ctx: Pick<DeviceContext, 'profile' | 'state'>): CborMap {
  const { profile, state } = ctx;
  const f = profile.ctap21;
  const options = new Map<string, boolean>([
    ['rk', true],
    ['up', true],
    ['plat', false],
  ]);
  if (profile.pinUvAuthProtocols.length > 0) options.set('clientPin', state.pinHash !== undefined);
  if (f.credMgmt) options.set('credMgmt', true);
  if (f.authnrCfg) options.set('authnrCfg', true);
  if (f.setMinPINLength) options.set('setMinPINLength', true);
  if (f.pinUvAuthToken) options.set('pinUvAuthToken', true);
  if (f.makeCredUvNotRqd) options.set('makeCredUvNotRqd', true);
  if (isCtap21(profile)) options.set('alwaysUv', state.alwaysUv);

  const info: CborMap = new Map();
  info.set(0x01, profile.versions);
  info.set(0x03, profile.aaguid);
  info.set(0x04, options);
  info.set(0x05, profile.maxMsgSize);
  if (profile.pinUvAuthProtocols.length > 0) info.set(0x06, profile.pinUvAuthProtocols);
  if (!isCtap21(profile)) return info;

  info.set(0x07, 8); // maxCredentialCountInList
  info.set(0x08, 61); // maxCredentialIdLength: our wrapped ids
  info.set(0x09, ['usb']);
  info.set(0x0a, [
    new Map<string, string | number>([
      ['alg', COSE_ES256],
      ['type', 'public-key'],
    ]),
  ]);
  info.set(0x0c, state.forcePinChange);
  info.set(0x0d, state.minPinLength);
  info.set(0x0e, profile.firmwareVersion);
  if (f.setMinPINLength) info.set(0x10, profile.maxRpIdsForSetMinPinLength);
  info.set(0x14, Math.max(0, profile.capacity - state.credentials.length));
  if (profile.longTouchForReset) info.set(0x18, true);
  return info;
}

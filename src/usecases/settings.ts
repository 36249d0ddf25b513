/**
 * Key settings (CTAP 2.1 §6.11 authenticatorConfig): raise the minimum PIN length, force a PIN
 * change, toggle alwaysUv. Needs a pinUvAuthToken with the acfg permission; the minimum length
 * can only go up (a reset is the only way down).
 */
import type { CallOptions } from '../ctaphid/device.js';
import { Permission } from '../ctap2/client-pin.js';
import { AuthenticatorConfig } from '../ctap2/config.js';
import type { Ctap2 } from '../ctap2/ctap2.js';
import { PIN_MAX_BYTES } from '../pin/rules.js';
import { asUseCaseError, tokenWithPin } from './pin.js';
import type { KeySettingsResult, SettingsChange } from './types.js';
import { UseCaseError } from './use-case-error.js';

export type { SettingsChange };

function settingsOf(ctap2: Ctap2): KeySettingsResult {
  const r: KeySettingsResult = { minPINLength: ctap2.info.minPINLength, forcePINChange: ctap2.info.forcePINChange };
  if (ctap2.info.options.alwaysUv !== undefined) r.alwaysUv = ctap2.info.options.alwaysUv;
  return r;
}

/** Check a change against what the key supports before any PIN is sent. */
export function validateSettingsChange(ctap2: Ctap2, change: SettingsChange): void {
  const info = ctap2.info;
  if (typeof change !== 'object' || change === null) throw new UseCaseError('INVALID_ARGUMENT', 'No change was given.');
  const { minPINLength, forcePINChange, toggleAlwaysUv } = change;
  if (minPINLength === undefined && forcePINChange !== true && toggleAlwaysUv !== true) {
    if (forcePINChange === false && info.forcePINChange) {
      throw new UseCaseError('INVALID_ARGUMENT', 'A required PIN change cannot be switched off; it ends when the PIN is changed.');
    }
    throw new UseCaseError('INVALID_ARGUMENT', 'No change was given.');
  }
  if (info.options.authnrCfg !== true) {
    throw new UseCaseError('NOT_SUPPORTED', 'This key does not let its settings be changed.');
  }
  if (info.options.clientPin !== true) throw new UseCaseError('PIN_NOT_SET', 'Set a PIN first: changing settings needs the PIN.');
  if (minPINLength !== undefined || forcePINChange === true) {
    if (info.options.setMinPINLength !== true) throw new UseCaseError('NOT_SUPPORTED', 'This key cannot change its minimum PIN length or ask for a PIN change.');
  }
  if (minPINLength !== undefined) {
    if (!Number.isInteger(minPINLength) || minPINLength < 4 || minPINLength > PIN_MAX_BYTES) {
      throw new UseCaseError('INVALID_ARGUMENT', `The minimum PIN length must be a whole number from 4 to ${PIN_MAX_BYTES}.`);
    }
    if (minPINLength < info.minPINLength) {
      throw new UseCaseError('INVALID_ARGUMENT', `The minimum PIN length is already ${info.minPINLength}; it can only be raised.`, {
        hint: 'Only a factory reset lowers it again.',
      });
    }
  }
  if (forcePINChange === false && info.forcePINChange) {
    throw new UseCaseError('INVALID_ARGUMENT', 'A required PIN change cannot be switched off; it ends when the PIN is changed.');
  }
  if (toggleAlwaysUv === true && info.options.alwaysUv === undefined) {
    throw new UseCaseError('NOT_SUPPORTED', 'This key has no "always ask for the PIN" setting.');
  }
}

/** Apply a settings change with one PIN attempt; returns the settings as the key now reports them. */
export async function updateSettings(ctap2: Ctap2, pin: string, change: SettingsChange, opts: CallOptions = {}): Promise<KeySettingsResult> {
  await ctap2.refreshInfo(opts).catch((e) => {
    throw asUseCaseError(e);
  });
  validateSettingsChange(ctap2, change);
  const raise = change.minPINLength !== undefined && change.minPINLength > ctap2.info.minPINLength;
  // Asking for what is already so sends nothing, not even the PIN.
  if (!raise && change.forcePINChange !== true && change.toggleAlwaysUv !== true) return settingsOf(ctap2);
  const token = await tokenWithPin(ctap2, pin, Permission.ACFG, opts);
  try {
    const config = new AuthenticatorConfig(ctap2, token);
    if (raise || change.forcePINChange === true) {
      await config.setMinPinLength(
        {
          ...(raise ? { newMinPINLength: change.minPINLength } : {}),
          ...(change.forcePINChange === true ? { forceChangePin: true } : {}),
        },
        opts,
      );
    }
    if (change.toggleAlwaysUv === true) await config.toggleAlwaysUv(opts);
    await ctap2.refreshInfo(opts);
    return settingsOf(ctap2);
  } catch (e) {
    throw asUseCaseError(e, 'token');
  } finally {
    token.destroy();
  }
}

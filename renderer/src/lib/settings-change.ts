/**
 * Builds the authenticatorConfig change (CTAP 2.1 §6.11: setMinPINLength with forceChangePin,
 * toggleAlwaysUv) from the settings form, sending only what actually differs.
 */
import type { SettingsChange } from '../../../electron/ipc-contract.js';
import { MAX_PIN_BYTES } from './pin-rules.js';

export interface SettingsForm {
  minPINLength: number;
  forcePINChange: boolean;
  alwaysUv: boolean;
}

export interface SettingsCurrent extends SettingsForm {
  canSetMinPINLength: boolean;
  canToggleAlwaysUv: boolean;
}

export type SettingsPlan = { ok: true; change: SettingsChange } | { ok: false; reason: string };

/** Only raises are allowed (the key refuses a lower minimum); nothing to do is reported too. */
export function planSettingsChange(current: SettingsCurrent, form: SettingsForm): SettingsPlan {
  const change: SettingsChange = {};
  if (current.canSetMinPINLength) {
    if (!Number.isInteger(form.minPINLength)) return { ok: false, reason: 'The minimum PIN length must be a whole number.' };
    if (form.minPINLength < current.minPINLength)
      return { ok: false, reason: `The minimum PIN length can only go up: it is ${current.minPINLength} now. Only a factory reset lowers it.` };
    if (form.minPINLength > MAX_PIN_BYTES) return { ok: false, reason: `The minimum PIN length can be at most ${MAX_PIN_BYTES}.` };
    if (form.minPINLength > current.minPINLength) change.minPINLength = form.minPINLength;
    if (form.forcePINChange && !current.forcePINChange) change.forcePINChange = true;
  }
  if (current.canToggleAlwaysUv && form.alwaysUv !== current.alwaysUv) change.toggleAlwaysUv = true;
  if (Object.keys(change).length === 0) return { ok: false, reason: 'Nothing has changed yet.' };
  return { ok: true, change };
}

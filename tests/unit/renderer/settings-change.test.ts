import { describe, expect, it } from 'vitest';
import { planSettingsChange, type SettingsCurrent } from '../../../renderer/src/lib/settings-change.js';

const now: SettingsCurrent = { minPINLength: 4, forcePINChange: false, alwaysUv: false, canSetMinPINLength: true, canToggleAlwaysUv: true };

describe('settings change plan (authenticatorConfig)', () => {
  it('sends only what differs', () => {
    expect(planSettingsChange(now, { minPINLength: 6, forcePINChange: false, alwaysUv: false })).toEqual({ ok: true, change: { minPINLength: 6 } });
    expect(planSettingsChange(now, { minPINLength: 4, forcePINChange: true, alwaysUv: true })).toEqual({
      ok: true,
      change: { forcePINChange: true, toggleAlwaysUv: true },
    });
  });

  it('refuses to lower the minimum or go past 63, and says when nothing changed', () => {
    expect(planSettingsChange({ ...now, minPINLength: 6 }, { minPINLength: 4, forcePINChange: false, alwaysUv: false }).ok).toBe(false);
    expect(planSettingsChange(now, { minPINLength: 64, forcePINChange: false, alwaysUv: false }).ok).toBe(false);
    expect(planSettingsChange(now, { minPINLength: 4.5, forcePINChange: false, alwaysUv: false }).ok).toBe(false);
    const none = planSettingsChange(now, { minPINLength: 4, forcePINChange: false, alwaysUv: false });
    expect(none).toEqual({ ok: false, reason: 'Nothing has changed yet.' });
  });

  it('leaves out what the key does not support', () => {
    const plan = planSettingsChange({ ...now, canSetMinPINLength: false }, { minPINLength: 8, forcePINChange: true, alwaysUv: true });
    expect(plan).toEqual({ ok: true, change: { toggleAlwaysUv: true } });
  });
});

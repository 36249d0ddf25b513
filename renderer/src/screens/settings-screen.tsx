/**
 * Key settings (CTAP 2.1 §6.11 authenticatorConfig): raise the minimum PIN length, ask for a
 * new PIN at next use, and turn "always ask for the PIN" (alwaysUv) on or off — each only where
 * the key says it supports it. Needs the PIN; it is cleared before the call is awaited.
 */
import { useState, type FormEvent } from 'react';
import type { KeySettingsResult } from '../../../src/usecases/types.js';
import { api } from '../api/client.js';
import { KeyBanner, KeyRequired, type KeyContext } from '../components/key-required.js';
import { Notice, OutcomePanel, SuccessPanel } from '../components/outcome-panel.js';
import { PinField } from '../components/pin-field.js';
import { ScreenFrame } from '../components/screen-frame.js';
import { useOperation } from '../components/use-operation.js';
import { planSettingsChange } from '../lib/settings-change.js';
import { MAX_PIN_BYTES } from '../lib/pin-rules.js';
import { announce } from '../stores/announce-store.js';
import { loadInfo } from '../stores/keys-store.js';

function Settings({ ctx }: { ctx: KeyContext }) {
  const { key, info } = ctx;
  const alwaysUvNow = info.options.find((o) => o.name === 'alwaysUv')?.value ?? false;
  const canMin = info.supports.config && info.supports.setMinPINLength;
  const canUv = info.supports.config && info.supports.alwaysUv;
  const [pin, setPin] = useState('');
  const [minLen, setMinLen] = useState(String(info.pin.minPINLength));
  const [force, setForce] = useState(info.pin.forcePINChange);
  const [alwaysUv, setAlwaysUv] = useState(alwaysUvNow);
  const [saved, setSaved] = useState<KeySettingsResult | undefined>();
  const op = useOperation();

  if (!canMin && !canUv) {
    return (
      <>
        <KeyBanner keyInfo={ctx} />
        <Notice title="This key has no settings to change here">
          <p>It does not support changing its PIN rules or PIN prompts.</p>
        </Notice>
      </>
    );
  }
  if (!info.pin.isSet) {
    return (
      <>
        <KeyBanner keyInfo={ctx} />
        <OutcomePanel error={{ code: 'PIN_NOT_SET', message: 'Changing settings needs the PIN, and this key has none yet.' }} />
      </>
    );
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    setSaved(undefined);
    const plan = planSettingsChange(
      { minPINLength: info.pin.minPINLength, forcePINChange: info.pin.forcePINChange, alwaysUv: alwaysUvNow, canSetMinPINLength: canMin, canToggleAlwaysUv: canUv },
      { minPINLength: Number(minLen), forcePINChange: force, alwaysUv },
    );
    if (!plan.ok) {
      op.setError({ code: 'INVALID_ARGUMENT', message: plan.reason });
      return;
    }
    if (!pin) {
      op.setError({ code: 'INVALID_ARGUMENT', message: 'Enter the PIN to change settings.' });
      return;
    }
    const value = pin;
    setPin('');
    const r = await op.run(() => api.updateSettings(key.id, value, plan.change));
    if (r) {
      setSaved(r);
      announce('Settings saved.');
    }
    void loadInfo(key.id, true);
  }

  return (
    <>
      <KeyBanner keyInfo={ctx} />
      <form className="card form" onSubmit={save} noValidate aria-labelledby="settings-title">
        <h2 id="settings-title">Change settings</h2>
        {canMin && (
          <>
            <div className="field">
              <label htmlFor="min-pin-length">Minimum PIN length</label>
              <p className="field-hint" id="min-pin-length-hint">
                Now {info.pin.minPINLength} characters. It can only be raised; only a factory reset brings it back down.
              </p>
              <input
                id="min-pin-length"
                type="number"
                inputMode="numeric"
                min={info.pin.minPINLength}
                max={MAX_PIN_BYTES}
                step={1}
                value={minLen}
                aria-describedby="min-pin-length-hint"
                onChange={(e) => setMinLen(e.target.value)}
              />
            </div>
            <div className="check-row">
              <input id="force-pin-change" type="checkbox" checked={force} disabled={info.pin.forcePINChange} onChange={(e) => setForce(e.target.checked)} />
              <label htmlFor="force-pin-change">Ask for a new PIN before the key is used again</label>
            </div>
          </>
        )}
        {canUv && (
          <div className="check-row">
            <input id="always-uv" type="checkbox" checked={alwaysUv} onChange={(e) => setAlwaysUv(e.target.checked)} aria-describedby="always-uv-hint" />
            <label htmlFor="always-uv">Always ask for the PIN</label>
            <p className="field-hint" id="always-uv-hint">
              When on, the key asks for its PIN every time it is used, even where a site would accept just a touch.
            </p>
          </div>
        )}
        <PinField label="PIN" value={pin} onChange={setPin} disabled={op.busy} hint="The key's current PIN, to allow the change." />
        {op.error && <OutcomePanel error={op.error} />}
        {saved && (
          <SuccessPanel title="Settings saved">
            <p>
              Minimum PIN length {saved.minPINLength}; new PIN {saved.forcePINChange ? 'required before next use' : 'not required'}
              {saved.alwaysUv !== undefined ? `; always ask for the PIN: ${saved.alwaysUv ? 'on' : 'off'}` : ''}.
            </p>
          </SuccessPanel>
        )}
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={op.busy}>
            Save settings
          </button>
        </div>
      </form>
    </>
  );
}

export function SettingsScreen() {
  return (
    <ScreenFrame id="settings">
      <KeyRequired>{(ctx) => <Settings key={ctx.key.id} ctx={ctx} />}</KeyRequired>
    </ScreenFrame>
  );
}

/**
 * PIN: set a first PIN (CTAP 2.1 §6.5.5.5 setPIN) or change it (§6.5.5.6 changePIN: current
 * once, new twice), with live rule feedback (§6.5.1 NFC, minPINLength code points, 63 bytes) and
 * retries before and after (§6.5.5.2). PINs live only in this component's state and are
 * cleared before the call is awaited; they never reach a store or a log.
 */
import { useState, type FormEvent } from 'react';
import type { ErrorInfo } from '../../../src/usecases/types.js';
import { api } from '../api/client.js';
import { KeyBanner, KeyRequired, type KeyContext } from '../components/key-required.js';
import { Notice, OutcomePanel, SuccessPanel } from '../components/outcome-panel.js';
import { PinField } from '../components/pin-field.js';
import { RuleList } from '../components/rule-list.js';
import { ScreenFrame } from '../components/screen-frame.js';
import { formatTries } from '../lib/format.js';
import { checkPin, normalizePin } from '../lib/pin-rules.js';
import { LOW_RETRIES_WARNING } from '../lib/wording.js';
import { announce } from '../stores/announce-store.js';
import { loadInfo } from '../stores/keys-store.js';
import { navigate } from '../stores/nav-store.js';

type Done = { kind: 'ok'; mode: 'set' | 'change'; retries?: number };

function RetriesLine({ retries, label }: { retries?: number; label: string }) {
  if (retries === undefined) return null;
  return (
    <p className={retries <= LOW_RETRIES_WARNING ? 'text-warning' : undefined} data-testid="retries-line">
      {label}: <strong>{formatTries(retries)}</strong>
      {retries <= LOW_RETRIES_WARNING && ' — take care: when none are left, only a factory reset unlocks the key.'}
    </p>
  );
}

function PinForm({ ctx }: { ctx: KeyContext }) {
  const { key, info } = ctx;
  const p = info.pin;
  const mode: 'set' | 'change' = p.isSet ? 'change' : 'set';
  const [current, setCurrent] = useState('');
  const [newPin, setNewPin] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | undefined>();
  const [done, setDone] = useState<Done | undefined>();
  const rulesId = `pin-rules-${mode}`;

  const report = checkPin({
    newPin,
    confirmPin: confirm,
    currentPin: mode === 'change' ? current : undefined,
    minLength: p.minPINLength,
    maxBytes: p.maxPINLengthBytes,
  });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setDone(undefined);
    if (mode === 'change' && current.length === 0) {
      setError({ code: 'INVALID_ARGUMENT', message: 'Enter the current PIN first.' });
      return;
    }
    if (!report.ok) {
      const problem = report.firstProblem!;
      setError(
        problem.state === 'pending'
          ? { code: 'INVALID_ARGUMENT', message: 'Fill in every PIN box.' }
          : { code: problem.outcome, message: `Rule not met: ${problem.label}.`, minLength: p.minPINLength },
      );
      return;
    }
    // Take the values, then clear the fields before anything is awaited.
    const cur = normalizePin(current);
    const next = normalizePin(newPin);
    const again = normalizePin(confirm);
    setCurrent('');
    setNewPin('');
    setConfirm('');
    setError(undefined);
    setBusy(true);
    announce(mode === 'set' ? 'Setting the PIN…' : 'Changing the PIN…');
    const r = mode === 'set' ? await api.setPin(key.id, next, again) : await api.changePin(key.id, cur, next, again);
    setBusy(false);
    if (r.ok) {
      setDone({ kind: 'ok', mode, retries: r.value.retries });
      announce(mode === 'set' ? 'PIN set.' : 'PIN changed.');
    } else {
      setError(r.error);
    }
    void loadInfo(key.id, true);
  }

  if (done) {
    return (
      <SuccessPanel focus title={done.mode === 'set' ? 'Your PIN is set' : 'Your PIN is changed'}>
        <p>From now on the key asks for this PIN when you sign in. Keep it to yourself; nobody from support will ever ask for it.</p>
        <RetriesLine retries={done.retries} label="Tries left now" />
        <div className="actions">
          <button type="button" className="btn" onClick={() => setDone(undefined)}>
            Done
          </button>
          <button type="button" className="btn" onClick={() => navigate('guide')}>
            How to register the key in the portal
          </button>
        </div>
      </SuccessPanel>
    );
  }

  return (
    <form className="card form" onSubmit={submit} noValidate aria-labelledby={`pin-form-${mode}`}>
      <h2 id={`pin-form-${mode}`}>{mode === 'set' ? 'Set a PIN' : 'Change the PIN'}</h2>
      <p>
        {mode === 'set'
          ? `This key has no PIN yet. Choose one of at least ${p.minPINLength} characters; letters, digits and symbols all count.`
          : 'Enter the PIN you use now once, then the new PIN twice.'}
      </p>
      <RetriesLine retries={p.retries} label="Tries left before the key locks" />
      {mode === 'change' && <PinField label="Current PIN" value={current} onChange={setCurrent} autoComplete="off" disabled={busy} />}
      <PinField label="New PIN" value={newPin} onChange={setNewPin} autoComplete="off" describedBy={rulesId} disabled={busy} />
      <PinField label="Confirm new PIN" value={confirm} onChange={setConfirm} autoComplete="off" disabled={busy} />
      <RuleList id={rulesId} checks={report.checks} />
      {error && (
        <OutcomePanel error={error}>
          {error.code === 'PIN_BLOCKED' && (
            <button type="button" className="btn btn-danger" onClick={() => navigate('reset')}>
              Go to factory reset
            </button>
          )}
        </OutcomePanel>
      )}
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {mode === 'set' ? 'Set PIN' : 'Change PIN'}
        </button>
      </div>
    </form>
  );
}

function PinPage({ ctx }: { ctx: KeyContext }) {
  const p = ctx.info.pin;
  return (
    <>
      <KeyBanner keyInfo={ctx} />
      {p.forcePINChange && !p.blocked && (
        <Notice tone="warning" title="This key wants a new PIN" testId="force-change-notice">
          <p>The key (or your organisation's settings on it) asks for the PIN to be changed before it is used again. Change it below.</p>
        </Notice>
      )}
      {p.powerCycleState && !p.blocked && (
        <Notice tone="warning" title="Unplug the key first">
          <p>After several wrong PINs the key paused PIN entry. Unplug it, plug it back in, then try again.</p>
        </Notice>
      )}
      {p.blocked ? (
        <OutcomePanel error={{ code: 'PIN_BLOCKED', message: 'No tries are left on this key.' }} />
      ) : (
        <PinForm key={ctx.key.id} ctx={ctx} />
      )}
      <div className="card card-quiet">
        <h2>Forgotten your PIN?</h2>
        <p>
          There is no way to recover a PIN. A factory reset clears it, but also erases every sign-in on the key, including your organisation's registration.
          Read the factory reset warnings before you do that.
        </p>
      </div>
    </>
  );
}

export function PinScreen() {
  return (
    <ScreenFrame id="pin" intro={<p>The PIN protects your key if someone else picks it up. It stays on the key: it is not your email password.</p>}>
      <KeyRequired>{(ctx) => <PinPage ctx={ctx} />}</KeyRequired>
    </ScreenFrame>
  );
}

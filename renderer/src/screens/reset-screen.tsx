/**
 * Factory reset (CTAP 2.1 §6.6 authenticatorReset), as a guarded wizard: what is lost, a
 * required "I have another way to sign in", a typed confirmation, then the live unplug ->
 * replug -> touch steps driven by reset-status events, with the key's reset window counted down.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import type { PasskeyList } from '../../../src/usecases/types.js';
import { api } from '../api/client.js';
import { Countdown } from '../components/countdown.js';
import { DemoPlugControls } from '../components/demo-controls.js';
import { KeyBanner, KeyRequired, type KeyContext } from '../components/key-required.js';
import { Notice, OutcomePanel, SuccessPanel } from '../components/outcome-panel.js';
import { PasskeySummary } from '../components/passkey-list.js';
import { PinField } from '../components/pin-field.js';
import { ScreenFrame } from '../components/screen-frame.js';
import { TouchIndicator } from '../components/touch-indicator.js';
import { useOperation } from '../components/use-operation.js';
import { useFocusOnMount } from '../components/use-focus.js';
import { formatCountdown } from '../lib/format.js';
import { DEMO_KEY_LABEL } from '../lib/key-label.js';
import { portalSteps } from '../lib/portal-steps.js';
import { canContinue, canStart, isConfirmTyped, offersRetry, RESET_CONFIRM_WORD, type ResetWizardState } from '../lib/reset-wizard.js';
import { navigate } from '../stores/nav-store.js';
import { useProfile } from '../stores/org-store.js';
import { useKeysStore } from '../stores/keys-store.js';
import {
  cancelRunningReset,
  closeResetWizard,
  openResetWizard,
  retryResetNow,
  setConfirmText,
  setHasBackup,
  setUnderstandsLoss,
  startResetNow,
  useResetStore,
  wizardBack,
  wizardNext,
} from '../stores/reset-store.js';

const STEP_NAMES = ['What is erased', 'Another way to sign in', 'Confirm', 'Reset the key'] as const;

function stepIndex(w: ResetWizardState): number {
  return { losses: 0, backup: 1, confirm: 2, running: 3, finished: 3 }[w.step];
}

function StepList({ w }: { w: ResetWizardState }) {
  const at = stepIndex(w);
  return (
    <ol className="stepper" aria-label="Reset steps">
      {STEP_NAMES.map((name, i) => (
        <li key={name} className={i < at ? 'step-done' : i === at ? 'step-current' : 'step-next'} aria-current={i === at ? 'step' : undefined}>
          <span className="step-num" aria-hidden="true">
            {i + 1}
          </span>
          {name}
        </li>
      ))}
    </ol>
  );
}

/** The step's heading; takes focus when the step appears, since the button pressed is gone. */
function StepHeading({ children }: { children: ReactNode }) {
  const ref = useFocusOnMount<HTMLHeadingElement>();
  return (
    <h2 ref={ref} tabIndex={-1} className="step-heading">
      {children}
    </h2>
  );
}

function CancelWizard() {
  return (
    <button type="button" className="btn btn-quiet" onClick={closeResetWizard}>
      Cancel
    </button>
  );
}

function LossesStep({ w }: { w: ResetWizardState }) {
  const profile = useProfile();
  const keyCount = useKeysStore((s) => s.keys.length);
  if (w.preparing) return <p className="muted">Checking the key…</p>;
  if (w.prepareError || !w.preparation) {
    return (
      <>
        {w.prepareError && <OutcomePanel error={w.prepareError} noAction />}
        <div className="actions">
          <button type="button" className="btn" onClick={() => w.keyId && openResetWizard(w.keyId, w.keyIsDemo)}>
            Check again
          </button>
          <CancelWizard />
        </div>
        {keyCount > 1 && <p className="small">Keys plugged in right now: {keyCount}.</p>}
      </>
    );
  }
  const prep = w.preparation;
  return (
    <div className="card">
      <StepHeading>Step 1 of 4: What a reset erases</StepHeading>
      <p>
        A factory reset puts {w.keyIsDemo ? `the ${DEMO_KEY_LABEL}` : `this ${prep.modelName}`} back the way it left the factory. What that means:
      </p>
      <ul className="loss-list" data-testid="reset-losses">
        {prep.losses.map((l) => (
          <li key={l}>{l}</li>
        ))}
        <li>
          Signing in to {profile.organisationName} with this key stops working until you sign in to the {profile.portalName} another way and register the key again.
        </li>
      </ul>
      <div className="check-row">
        <input id="reset-understand" type="checkbox" checked={w.understandsLoss} onChange={(e) => setUnderstandsLoss(e.target.checked)} />
        <label htmlFor="reset-understand">I understand that everything listed above will be erased</label>
      </div>
      <div className="actions">
        <button type="button" className="btn btn-primary" disabled={!canContinue(w)} onClick={wizardNext}>
          Continue
        </button>
        <CancelWizard />
      </div>
    </div>
  );
}

function BackupStep({ w }: { w: ResetWizardState }) {
  const profile = useProfile();
  return (
    <div className="card">
      <StepHeading>Step 2 of 4: Another way to sign in</StepHeading>
      <fieldset className="choices">
        <legend>
          Can you sign in to the {profile.portalName} without this key, for example with an authenticator app on your phone or a second security key that is already registered?
        </legend>
        <div className="check-row">
          <input id="backup-yes" type="radio" name="backup" value="yes" checked={w.hasBackup === 'yes'} onChange={() => setHasBackup('yes')} />
          <label htmlFor="backup-yes">Yes, I have another way to sign in</label>
        </div>
        <div className="check-row">
          <input id="backup-no" type="radio" name="backup" value="no" checked={w.hasBackup === 'no'} onChange={() => setHasBackup('no')} />
          <label htmlFor="backup-no">No, or I am not sure</label>
        </div>
      </fieldset>
      {w.hasBackup === 'no' && (
        <Notice tone="warning" title="Please do not reset this key yourself" testId="reset-no-backup">
          <p>
            Without another way to sign in, a reset would lock you out of the {profile.portalName}, and you would not be able to register the key again on your own.
          </p>
          <p>
            Contact {profile.supportContact} instead. They can help you get a new PIN and register the key again, or set up a second way to sign in first.
          </p>
          <div className="actions">
            {profile.supportUrl && (
              <button type="button" className="btn" onClick={() => api.openExternal(profile.supportUrl!)}>
                Open help and support
              </button>
            )}
            <button type="button" className="btn" onClick={() => navigate('guide')}>
              Open the portal guide
            </button>
          </div>
        </Notice>
      )}
      <div className="actions">
        <button type="button" className="btn" onClick={wizardBack}>
          Back
        </button>
        {w.hasBackup !== 'no' && (
          <button type="button" className="btn btn-primary" disabled={!canContinue(w)} onClick={wizardNext}>
            Continue
          </button>
        )}
        <CancelWizard />
      </div>
    </div>
  );
}

function PreviewPasskeys({ keyId }: { keyId: string }) {
  const [pin, setPin] = useState('');
  const [list, setList] = useState<PasskeyList | undefined>();
  const op = useOperation();
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!pin) return;
    const value = pin;
    setPin('');
    const r = await op.run(() => api.previewReset(keyId, value));
    if (r) setList(r);
  }
  return (
    <form className="subcard" onSubmit={submit} noValidate aria-labelledby="preview-title">
      <h3 id="preview-title">Optional: see which passkeys would be erased</h3>
      <p className="small">Enter the key's PIN to list the sign-ins stored on it. The PIN is used once and not kept.</p>
      <PinField label="PIN for the list" value={pin} onChange={setPin} disabled={op.busy} />
      <div className="actions">
        <button type="submit" className="btn" disabled={op.busy}>
          Show passkeys that will be erased
        </button>
      </div>
      {op.error && <OutcomePanel error={op.error} noAction />}
      {list && <PasskeySummary list={list} />}
    </form>
  );
}

function ConfirmStep({ w }: { w: ResetWizardState }) {
  const keyCount = useKeysStore((s) => s.keys.length);
  const entry = useKeysStore((s) => (w.keyId ? s.info[w.keyId] : undefined));
  const pinSet = entry?.status === 'ready' && entry.info.pin.isSet && !entry.info.pin.blocked && !!entry.info.supports.credentialManagement;
  const typedWrong = w.confirmText.length > 0 && !isConfirmTyped(w.confirmText);
  return (
    <div className="card">
      <StepHeading>Step 3 of 4: Confirm</StepHeading>
      {keyCount > 1 && <OutcomePanel error={{ code: 'MULTIPLE_KEYS', message: `${keyCount} keys are plugged in.` }} noAction />}
      {pinSet && w.keyId && <PreviewPasskeys keyId={w.keyId} />}
      <p>
        Next you will unplug the key, plug it back in and touch it within {formatCountdown(w.preparation?.windowMs ?? 10000)}. Keep the key within reach.
      </p>
      <div className="field">
        <label htmlFor="reset-confirm">Type {RESET_CONFIRM_WORD} to confirm</label>
        <input
          id="reset-confirm"
          type="text"
          autoComplete="off"
          spellCheck={false}
          autoCapitalize="characters"
          value={w.confirmText}
          aria-invalid={typedWrong || undefined}
          aria-describedby="reset-confirm-hint"
          onChange={(e) => setConfirmText(e.target.value)}
        />
        <p id="reset-confirm-hint" className="field-hint">
          Capital letters, exactly as shown.
        </p>
      </div>
      <div className="actions">
        <button type="button" className="btn" onClick={wizardBack}>
          Back
        </button>
        <button type="button" className="btn btn-danger" disabled={!canStart(w) || w.preparing} onClick={() => void startResetNow()}>
          Start reset
        </button>
        <CancelWizard />
      </div>
    </div>
  );
}

function RunningStep({ w }: { w: ResetWizardState }) {
  const s = w.status;
  const phase = s?.phase ?? 'unplug';
  const windowMs = w.preparation?.windowMs ?? 10000;
  const phases: { id: string; text: string }[] = [
    { id: 'unplug', text: 'Unplug the key' },
    { id: 'replug', text: 'Plug it back in' },
    { id: 'touch', text: 'Touch it' },
  ];
  const at = phases.findIndex((p) => p.id === phase);
  return (
    <div className="card" data-testid="reset-live" data-phase={phase}>
      <StepHeading>Step 4 of 4: Reset the key</StepHeading>
      <p>A key only accepts a reset in the first seconds after it gets power, so it needs to be unplugged and plugged back in.</p>
      <ol className="phase-list">
        {phases.map((p, i) => (
          <li key={p.id} className={i < at ? 'step-done' : i === at ? 'step-current' : 'step-next'}>
            {p.text}
            {i < at && <span className="visually-hidden"> (done)</span>}
          </li>
        ))}
      </ol>
      {/* The service retries by itself after a too-late touch: say why we are back at unplug. */}
      {s?.outcome && <OutcomePanel error={s.outcome} noAction />}
      <div className="phase-now">
        {phase === 'unplug' && <p className="big-instruction">Unplug your key now</p>}
        {phase === 'replug' && (
          <>
            <p className="big-instruction">Plug your key back in now</p>
            <p>After that you will have {formatCountdown(windowMs)} to touch it.</p>
          </>
        )}
        {phase === 'touch' && (
          <>
            <TouchIndicator longTouch={s?.longTouch ?? w.preparation?.longTouchForReset} />
            {s?.remainingMs !== undefined && w.statusAt !== undefined && (
              <Countdown remainingMs={s.remainingMs} receivedAt={w.statusAt} windowMs={windowMs} label="Time left to touch" />
            )}
            {(s?.longTouch ?? w.preparation?.longTouchForReset) && <p className="small">This key needs a long touch: hold your finger on it for about five seconds.</p>}
          </>
        )}
      </div>
      {w.keyIsDemo && <DemoPlugControls />}
      <div className="actions">
        <button type="button" className="btn" onClick={() => void cancelRunningReset()}>
          Cancel reset
        </button>
      </div>
    </div>
  );
}

function FinishedStep({ w }: { w: ResetWizardState }) {
  const profile = useProfile();
  const fin = w.final;
  if (!fin) return null;
  if (fin.kind === 'done') {
    return (
      <>
        <SuccessPanel focus title="Your key has been reset">
          <p>It is now empty: no PIN and no sign-ins. Two things to do next:</p>
        </SuccessPanel>
        <div className="card" data-testid="reset-next-steps">
          <h2>1. Set a new PIN</h2>
          <p>Give the key a new PIN before you use it again.</p>
          <div className="actions">
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => {
                closeResetWizard();
                navigate('pin');
              }}
            >
              Set a new PIN
            </button>
          </div>
          <h2>2. Register the key again in the {profile.portalName}</h2>
          <ol className="steps">
            {portalSteps(profile).reRegister.map((t) => (
              <li key={t}>{t}</li>
            ))}
          </ol>
          <div className="actions">
            <button type="button" className="btn" onClick={() => api.openExternal(profile.portalUrl)}>
              Open the {profile.portalName}
            </button>
            <button type="button" className="btn btn-quiet" onClick={closeResetWizard}>
              Finish
            </button>
          </div>
        </div>
      </>
    );
  }
  const retry = offersRetry(fin) && (
    <button type="button" className="btn btn-primary" onClick={() => void retryResetNow()}>
      Try again
    </button>
  );
  return (
    <>
      {fin.kind === 'cancelled' ? (
        <Notice title="Reset cancelled" testId="reset-cancelled">
          <p>Nothing was erased. The key is as it was.</p>
        </Notice>
      ) : (
        <OutcomePanel error={fin.error} noAction />
      )}
      <div className="actions">
        {retry}
        <button type="button" className="btn" onClick={closeResetWizard}>
          Close
        </button>
      </div>
    </>
  );
}

function StartCard({ ctx }: { ctx: KeyContext }) {
  const keyCount = useKeysStore((s) => s.keys.length);
  const profile = useProfile();
  return (
    <>
      <KeyBanner keyInfo={ctx} />
      <div className="card">
        <h2>Before you start</h2>
        <p>A reset erases everything on the key, including your {profile.organisationName} registration, and removes its PIN. Use it only when:</p>
        <ul>
          <li>the PIN is locked or forgotten, or</li>
          <li>you are handing the key on, or were asked to by {profile.supportContact}.</li>
        </ul>
        <p>
          To change a PIN you know, use the <button type="button" className="link-button" onClick={() => navigate('pin')}>PIN page</button> instead: that erases nothing.
        </p>
        {keyCount > 1 && <OutcomePanel error={{ code: 'MULTIPLE_KEYS', message: `${keyCount} keys are plugged in.` }} noAction />}
        <div className="actions">
          <button type="button" className="btn btn-danger" disabled={keyCount > 1} onClick={() => void openResetWizard(ctx.key.id, ctx.key.isDemo)}>
            Start factory reset
          </button>
        </div>
      </div>
    </>
  );
}

export function ResetScreen() {
  const w = useResetStore();
  return (
    <ScreenFrame id="reset" intro={<p>Erase the key and start again. The app guides you and asks before anything is erased.</p>}>
      {w.active ? (
        <div className="wizard" data-testid="reset-wizard" data-step={w.step}>
          <StepList w={w} />
          {w.step === 'losses' && <LossesStep w={w} />}
          {w.step === 'backup' && <BackupStep w={w} />}
          {w.step === 'confirm' && (w.preparing ? <p className="muted">Checking the key…</p> : w.prepareError ? <LossesStep w={w} /> : <ConfirmStep w={w} />)}
          {w.step === 'running' && <RunningStep w={w} />}
          {w.step === 'finished' && <FinishedStep w={w} />}
        </div>
      ) : (
        <KeyRequired allowU2f>{(ctx) => <StartCard ctx={ctx} />}</KeyRequired>
      )}
    </ScreenFrame>
  );
}

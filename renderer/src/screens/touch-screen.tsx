/**
 * Touch test and identify: a request that needs user presence (CTAP 2.1 §6.9
 * authenticatorSelection), following keepalive 'touch-needed' progress, with Cancel
 * (CTAPHID_CANCEL, §11.2.9.1.5); and a wink (§11.2.9.2.1) to spot the key.
 */
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client.js';
import { KeyBanner, KeyRequired, type KeyContext } from '../components/key-required.js';
import { OutcomePanel, SuccessPanel } from '../components/outcome-panel.js';
import { ScreenFrame } from '../components/screen-frame.js';
import { TouchIndicator } from '../components/touch-indicator.js';
import { useOperation } from '../components/use-operation.js';
import { announce } from '../stores/announce-store.js';
import { doneWithProgress, useKeysStore } from '../stores/keys-store.js';

function TouchTest({ ctx }: { ctx: KeyContext }) {
  const { key, info } = ctx;
  const op = useOperation();
  const [touched, setTouched] = useState(false);
  const progress = useKeysStore((s) => s.progress[key.id]?.progress);
  const winkOp = useOperation();
  const [winked, setWinked] = useState(false);
  const testRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const wasBusy = useRef(false);
  // The Test and Cancel buttons swap places; keep keyboard focus on whichever is showing.
  useEffect(() => {
    const hadFocus = document.activeElement === document.body || document.activeElement === testRef.current || document.activeElement === cancelRef.current;
    if (op.busy && !wasBusy.current && hadFocus) cancelRef.current?.focus();
    if (!op.busy && wasBusy.current && hadFocus) testRef.current?.focus();
    wasBusy.current = op.busy;
  }, [op.busy]);

  return (
    <>
      <KeyBanner keyInfo={ctx} />
      <div className="card">
        <h2>Check the key responds to touch</h2>
        <p>When you press the button below, the key waits for your finger. Nothing on the key is changed.</p>
        {op.busy &&
          (progress?.step === 'touch-needed' ? (
            <TouchIndicator longTouch={progress.longTouch} />
          ) : (
            <p className="muted" data-testid="touch-waiting">
              Waiting for the key…
            </p>
          ))}
        {touched && !op.busy && (
          <SuccessPanel title="Touch received">
            <p>Your key works and responds to your touch.</p>
          </SuccessPanel>
        )}
        {op.error && !op.busy && <OutcomePanel error={op.error} />}
        <div className="actions">
          {op.busy ? (
            <button ref={cancelRef} type="button" className="btn" onClick={() => api.cancel(key.id)}>
              Cancel
            </button>
          ) : (
            <button
              ref={testRef}
              type="button"
              className="btn btn-primary"
              onClick={async () => {
                setTouched(false);
                const r = await op.run(() => api.touchTest(key.id));
                doneWithProgress(key.id);
                if (r) {
                  setTouched(true);
                  announce('Touch received. Your key works.');
                }
              }}
            >
              Test touch
            </button>
          )}
        </div>
      </div>
      <div className="card">
        <h2>Identify this key</h2>
        {info.supports.wink ? (
          <>
            <p>Makes the key flash its light for a few seconds, so you can see which one it is.</p>
            <div className="actions">
              <button
                type="button"
                className="btn"
                disabled={winkOp.busy}
                onClick={async () => {
                  setWinked(false);
                  winkOp.setError(undefined);
                  const r = await api.wink(key.id);
                  if (r.ok) {
                    setWinked(true);
                    announce('The key is flashing its light.');
                  } else winkOp.setError(r.error);
                }}
              >
                Identify
              </button>
            </div>
            {winked && <p>Look for the flashing light.</p>}
            {winkOp.error && <OutcomePanel error={winkOp.error} noAction />}
          </>
        ) : (
          <p>This key cannot flash its light on request. Use the touch test above instead: the key that reacts to your finger is this one.</p>
        )}
      </div>
    </>
  );
}

export function TouchScreen() {
  return (
    <ScreenFrame id="touch">
      <KeyRequired>{(ctx) => <TouchTest key={ctx.key.id} ctx={ctx} />}</KeyRequired>
    </ScreenFrame>
  );
}

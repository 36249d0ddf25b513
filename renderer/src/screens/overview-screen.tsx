/**
 * Key overview: model, firmware, PIN state and retries (CTAP 2.1 §6.5.5.2 getPINRetries),
 * minimum PIN length, forced change, capacity and options in plain words (§6.4 getInfo), the
 * raw getInfo behind a disclosure, and a support report to copy.
 */
import { useState } from 'react';
import { api } from '../api/client.js';
import { KeyBanner, KeyRequired, type KeyContext } from '../components/key-required.js';
import { Notice, OutcomePanel } from '../components/outcome-panel.js';
import { ScreenFrame } from '../components/screen-frame.js';
import { useOperation } from '../components/use-operation.js';
import { formatJson, formatTries } from '../lib/format.js';
import { LOW_RETRIES_WARNING } from '../lib/wording.js';
import { announce } from '../stores/announce-store.js';
import { loadInfo } from '../stores/keys-store.js';
import { navigate } from '../stores/nav-store.js';

function pinSummary(ctx: KeyContext): string {
  const p = ctx.info.pin;
  if (ctx.info.kind === 'u2f-only') return 'Not available on this key';
  if (p.blocked) return 'Locked after too many wrong PINs';
  if (!p.isSet) return 'No PIN set yet';
  return 'Set';
}

function SupportReport({ keyId }: { keyId: string }) {
  const op = useOperation();
  const [fallback, setFallback] = useState<string | undefined>();
  const [copied, setCopied] = useState(false);
  return (
    <div className="card">
      <h2>Support report</h2>
      <p>A plain-text summary of this key and this computer for whoever helps you. It contains no PIN and no sign-in details.</p>
      <div className="actions">
        <button
          type="button"
          className="btn"
          disabled={op.busy}
          onClick={async () => {
            setCopied(false);
            setFallback(undefined);
            const text = await op.run(() => api.getSupportReport(keyId));
            if (text === undefined) return;
            try {
              if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
              await navigator.clipboard.writeText(text);
              setCopied(true);
              announce('Support report copied.');
            } catch {
              setFallback(text);
              announce('Copying was not allowed. The report is shown below to copy by hand.');
            }
          }}
        >
          Copy support report
        </button>
      </div>
      {copied && <p data-testid="report-copied">Copied. Paste it into your message to support.</p>}
      {fallback !== undefined && (
        <div className="field">
          <p>The app was not allowed to copy. Select the text below and copy it yourself (Ctrl+A then Ctrl+C).</p>
          <label htmlFor="support-report-text">Support report</label>
          <textarea id="support-report-text" readOnly rows={12} value={fallback} onFocus={(e) => e.currentTarget.select()} />
        </div>
      )}
      {op.error && <OutcomePanel error={op.error} />}
    </div>
  );
}

function Overview({ ctx }: { ctx: KeyContext }) {
  const { info, key } = ctx;
  const p = info.pin;
  return (
    <>
      <KeyBanner keyInfo={ctx} />
      {p.forcePINChange && (
        <Notice tone="warning" title="This key wants a new PIN" testId="force-change-notice">
          <p>Before the key can be used again, change its PIN.</p>
          <div className="actions">
            <button type="button" className="btn btn-primary" onClick={() => navigate('pin')}>
              Go to PIN
            </button>
          </div>
        </Notice>
      )}
      {p.blocked && info.kind === 'fido2' && <OutcomePanel error={{ code: 'PIN_BLOCKED', message: 'The PIN is locked.' }} />}
      <div className="grid">
        <div className="card">
          <h2>About this key</h2>
          <dl className="facts">
            <dt>Model</dt>
            <dd>{info.model.known ? info.model.name : `${info.model.name} (model not in the app's list)`}</dd>
            <dt>Firmware</dt>
            <dd>{info.firmwareVersion ?? 'Not reported'}</dd>
            <dt>Standards</dt>
            <dd>{info.kind === 'u2f-only' ? 'U2F only' : info.ctapVersions.join(', ') || 'FIDO2'}</dd>
            <dt>Room for passkeys</dt>
            <dd>{info.remainingDiscoverableCredentials !== undefined ? `${info.remainingDiscoverableCredentials} more` : 'Not reported'}</dd>
          </dl>
        </div>
        <div className="card">
          <h2>PIN</h2>
          <dl className="facts">
            <dt>PIN</dt>
            <dd data-testid="pin-state">{pinSummary(ctx)}</dd>
            {p.retries !== undefined && (
              <>
                <dt>Tries left</dt>
                <dd data-testid="pin-retries" className={p.retries <= LOW_RETRIES_WARNING ? 'text-warning' : undefined}>
                  {formatTries(p.retries)}
                </dd>
              </>
            )}
            <dt>Shortest PIN allowed</dt>
            <dd>{p.minPINLength} characters</dd>
            <dt>New PIN required</dt>
            <dd>{p.forcePINChange ? 'Yes, before next use' : 'No'}</dd>
          </dl>
          {info.kind === 'fido2' && (
            <div className="actions">
              <button type="button" className="btn btn-primary" onClick={() => navigate('pin')}>
                {p.isSet ? 'Change the PIN' : 'Set a PIN'}
              </button>
              <button type="button" className="btn" onClick={() => navigate('touch')}>
                Test touch
              </button>
            </div>
          )}
        </div>
      </div>
      <div className="card">
        <h2>What this key can do</h2>
        {info.options.length === 0 ? (
          <p>The key did not list any options.</p>
        ) : (
          <ul className="options">
            {info.options.map((o) => (
              <li key={o.name} className={o.value ? 'opt-on' : 'opt-off'}>
                <span className="opt-mark" aria-hidden="true">
                  {o.value ? '✓' : '–'}
                </span>
                {o.label}
              </li>
            ))}
          </ul>
        )}
        <details className="raw">
          <summary>Technical details</summary>
          <p className="small muted">Everything the key reported about itself (getInfo), for support staff.</p>
          <pre className="code-block" data-testid="raw-getinfo">
            <code>{formatJson(info.getInfo)}</code>
          </pre>
          <p className="small muted">Device path: {key.id}</p>
        </details>
      </div>
      <SupportReport keyId={key.id} />
      <div className="actions">
        <button type="button" className="btn" onClick={() => loadInfo(key.id, true)}>
          Read the key again
        </button>
      </div>
    </>
  );
}

export function OverviewScreen() {
  return (
    <ScreenFrame id="overview">
      <KeyRequired allowU2f>{(ctx) => <Overview ctx={ctx} />}</KeyRequired>
    </ScreenFrame>
  );
}

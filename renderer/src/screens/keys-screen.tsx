/**
 * Keys: the live list of attached keys (keys-changed events), telling several keys apart,
 * Identify (CTAPHID_WINK, CTAP 2.1 §11.2.9.2.1) and pick-by-touch (authenticatorSelection,
 * §6.9) when several are plugged in; an empty state with plug-in and Linux permission help,
 * and the demo key switch.
 */
import { useEffect, useState } from 'react';
import type { DoctorCheck, KeySummary } from '../../../src/usecases/types.js';
import { api } from '../api/client.js';
import { Notice, OutcomePanel } from '../components/outcome-panel.js';
import { ScreenFrame } from '../components/screen-frame.js';
import { TouchIndicator } from '../components/touch-indicator.js';
import { useOperation } from '../components/use-operation.js';
import { useFocusOnMount } from '../components/use-focus.js';
import { formatTries } from '../lib/format.js';
import { DEMO_KEY_LABEL, keyFacts, keyShortName, keyTitle } from '../lib/key-label.js';
import { announce } from '../stores/announce-store.js';
import { runDoctor, setDemoMode, useAppStore } from '../stores/app-store.js';
import { doneWithProgress, loadInfo, refreshKeys, selectKey, useKeysStore } from '../stores/keys-store.js';
import { navigate } from '../stores/nav-store.js';
import { useProfile } from '../stores/org-store.js';

function DemoSwitch() {
  const demoMode = useAppStore((s) => s.app?.demoMode ?? false);
  const busy = useAppStore((s) => s.demoBusy);
  const error = useAppStore((s) => s.demoError);
  return (
    <div className="card card-quiet">
      <div className="switch-row">
        <input
          id="demo-switch"
          type="checkbox"
          role="switch"
          className="switch"
          checked={demoMode}
          disabled={busy}
          aria-describedby="demo-switch-hint"
          onChange={async (e) => {
            if (await setDemoMode(e.target.checked)) await refreshKeys();
          }}
        />
        <label htmlFor="demo-switch">Try the demo key</label>
      </div>
      <p id="demo-switch-hint" className="muted small">
        Adds a practice key that lives inside this app: the "{DEMO_KEY_LABEL}". Everything works as with a real key, and you press on-screen buttons instead of touching it.
      </p>
      {error && <OutcomePanel error={error} />}
    </div>
  );
}

function CheckRow({ check }: { check: DoctorCheck }) {
  const word = { ok: 'Fine', warn: 'Needs a look', fail: 'Problem', skip: 'Skipped' }[check.status];
  return (
    <li className={`check check-${check.status}`} data-testid="doctor-check" data-status={check.status}>
      <p>
        <span className={`badge badge-${check.status}`}>{word}</span> <strong>{check.title}</strong>
      </p>
      <p className="small">{check.detail}</p>
      {check.fix && (
        <>
          <p className="small">How to fix it:</p>
          <pre className="fix">
            <code>{check.fix}</code>
          </pre>
        </>
      )}
    </li>
  );
}

function EmptyState() {
  const doctor = useAppStore((s) => s.doctor);
  const profile = useProfile();
  const problems = doctor.report?.checks.filter((c) => c.status === 'fail' || c.status === 'warn') ?? [];
  const isLinux = (doctor.report?.platform ?? '').toLowerCase().includes('linux');
  const needsCheck = !doctor.report && !doctor.loading && !doctor.error;
  useEffect(() => {
    if (needsCheck) void runDoctor();
  }, [needsCheck]);
  return (
    <div className="card" data-testid="keys-empty">
      <h2>No security key found</h2>
      <ol className="steps">
        <li>Plug your security key into a USB port on this computer. If it has a USB-C and a USB-A end, either is fine; use an adapter if needed.</li>
        <li>Wait a moment: the key shows up here on its own, there is nothing to click.</li>
        <li>If it still does not appear, try another port and check the computer below.</li>
      </ol>
      <p className="small muted">
        No key yet? {profile.organisationName} keys come from {profile.supportContact}.
      </p>
      <h3>Check this computer</h3>
      {doctor.loading && <p className="muted">Checking…</p>}
      {doctor.error && <OutcomePanel error={doctor.error} />}
      {doctor.report && problems.length === 0 && <p>No problems found with USB access on this computer.</p>}
      {problems.length > 0 && (
        <>
          {isLinux && (
            <p>
              On Linux the system has to give ordinary users access to security keys. Apply the fix below, then unplug the key and plug it back in.
            </p>
          )}
          <ul className="checks">
            {problems.map((c) => (
              <CheckRow key={c.id} check={c} />
            ))}
          </ul>
        </>
      )}
      <div className="actions">
        <button
          type="button"
          className="btn"
          disabled={doctor.loading}
          onClick={async () => {
            await Promise.all([refreshKeys(), runDoctor()]);
            announce('Checked again.');
          }}
        >
          Check again
        </button>
      </div>
    </div>
  );
}

function KeyItem({ keySummary, several }: { keySummary: KeySummary; several: boolean }) {
  const entry = useKeysStore((s) => s.info[keySummary.id]);
  const selected = useKeysStore((s) => s.selectedKeyId === keySummary.id);
  const info = entry?.status === 'ready' ? entry.info : undefined;
  const op = useOperation();
  const [winked, setWinked] = useState(false);
  const titleId = `key-title-${keySummary.id.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
  const canWink = info ? info.supports.wink : true;
  return (
    <li className={`card key-item${keySummary.isDemo ? ' key-item-demo' : ''}${selected ? ' key-item-selected' : ''}`} data-testid="key-item" data-key-id={keySummary.id} data-demo={keySummary.isDemo || undefined}>
      <div className="key-item-head">
        <h2 id={titleId} className="key-item-title">
          {keyTitle(keySummary, info)}
        </h2>
        {keySummary.isDemo && <span className="badge badge-demo">Demo</span>}
        {selected && several && <span className="badge">Chosen</span>}
      </div>
      <p className="muted small">{keyFacts(keySummary, info).join(' · ')}</p>
      {entry?.status === 'loading' && <p className="small muted">Reading the key…</p>}
      {info && (
        <p className="small">
          {info.kind === 'u2f-only'
            ? 'Older U2F-only key: no PIN to manage.'
            : info.pin.blocked
              ? 'PIN locked: only a factory reset helps.'
              : info.pin.isSet
                ? `PIN set${info.pin.retries !== undefined ? `, ${formatTries(info.pin.retries)} left` : ''}.`
                : 'No PIN set yet.'}
        </p>
      )}
      {entry?.status === 'error' && <OutcomePanel error={entry.error} noAction />}
      <div className="actions">
        <button
          type="button"
          className="btn btn-primary"
          aria-describedby={titleId}
          onClick={() => {
            selectKey(keySummary.id);
            navigate('overview');
          }}
        >
          Manage this key
        </button>
        {canWink && (
          <button
            type="button"
            className="btn"
            aria-describedby={titleId}
            disabled={op.busy}
            onClick={async () => {
              setWinked(false);
              op.setError(undefined);
              const r = await api.wink(keySummary.id);
              if (r.ok) {
                setWinked(true);
                announce(`${keyShortName(keySummary, info)} is flashing its light.`);
              } else op.setError(r.error);
            }}
          >
            Identify
          </button>
        )}
        {entry?.status === 'error' && (
          <button type="button" className="btn" onClick={() => loadInfo(keySummary.id, true)}>
            Read the key again
          </button>
        )}
      </div>
      {winked && !op.error && <p className="small">Look for the key whose light is flashing{keySummary.isDemo ? ' (the demo key has no light; this one is the demo key)' : ''}.</p>}
      {op.error && <OutcomePanel error={op.error} noAction />}
    </li>
  );
}

function CancelPick({ ids }: { ids: string[] }) {
  const ref = useFocusOnMount<HTMLButtonElement>();
  return (
    <button ref={ref} type="button" className="btn" onClick={() => void Promise.all(ids.map((id) => api.cancel(id)))}>
      Cancel
    </button>
  );
}

function PickByTouch({ ids }: { ids: string[] }) {
  const op = useOperation();
  const [picking, setPicking] = useState(false);
  return (
    <div className="card card-quiet">
      <h2>Which key is which?</h2>
      <p>With several keys plugged in, touch the one you want: the app picks it for you.</p>
      {picking ? (
        <>
          <TouchIndicator text="Touch the key you want to use" />
          <div className="actions">
            <CancelPick ids={ids} />
          </div>
        </>
      ) : (
        <div className="actions">
          <button
            type="button"
            className="btn btn-primary"
            disabled={op.busy}
            onClick={async () => {
              setPicking(true);
              announce('Touch the key you want to use.');
              const r = await op.run(() => api.pickByTouch(ids));
              setPicking(false);
              ids.forEach(doneWithProgress);
              if (r) {
                selectKey(r.keyId);
                const s = useKeysStore.getState();
                const k = s.keys.find((x) => x.id === r.keyId);
                const e = s.info[r.keyId];
                announce(`${k ? keyShortName(k, e?.status === 'ready' ? e.info : undefined) : 'That key'} chosen.`);
                navigate('overview');
              }
            }}
          >
            Pick a key by touch
          </button>
        </div>
      )}
      {op.error && <OutcomePanel error={op.error} noAction />}
    </div>
  );
}

export function KeysScreen() {
  const { loaded, keys, listError } = useKeysStore();
  const boot = useAppStore((s) => s.boot);
  return (
    <ScreenFrame id="keys" intro={<p>Keys plugged into this computer appear here as soon as you plug them in, and disappear when you unplug them.</p>}>
      {boot === 'no-bridge' && (
        <Notice tone="warning" title="The app could not start its key service">
          <p>Close the app and open it again.</p>
        </Notice>
      )}
      {listError && <OutcomePanel error={listError} />}
      {!loaded && boot !== 'no-bridge' && <p className="muted">Looking for keys…</p>}
      {loaded && keys.length === 0 && <EmptyState />}
      {keys.length > 0 && (
        <ul className="key-list" aria-label="Plugged-in keys">
          {keys.map((k) => (
            <KeyItem key={k.id} keySummary={k} several={keys.length > 1} />
          ))}
        </ul>
      )}
      {keys.length > 1 && <PickByTouch ids={keys.map((k) => k.id)} />}
      <DemoSwitch />
    </ScreenFrame>
  );
}

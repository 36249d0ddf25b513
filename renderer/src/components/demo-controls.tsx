/**
 * On-screen stand-ins for touching the demo key: shown whenever the demo key waits for a
 * touch (demo-touch-wait events), wherever the person is in the app.
 */
import { useState } from 'react';
import { api } from '../api/client.js';
import { DEMO_KEY_LABEL } from '../lib/key-label.js';
import { useKeysStore } from '../stores/keys-store.js';
import { announce } from '../stores/announce-store.js';

export function DemoTouchControls() {
  const waiting = useKeysStore((s) => s.demoTouchWaiting);
  const [busy, setBusy] = useState(false);
  if (!waiting) return null;
  const act = async (fn: () => Promise<{ ok: boolean }>, said: string) => {
    setBusy(true);
    const r = await fn();
    setBusy(false);
    if (r.ok) announce(said);
  };
  return (
    <section className="demo-bar" aria-labelledby="demo-bar-title" data-testid="demo-touch-controls">
      {/* Not a heading: this bar sits above the screen's h1 and must not break the outline. */}
      <p id="demo-bar-title" className="demo-bar-title">
        {DEMO_KEY_LABEL} is waiting for a touch
      </p>
      <p className="small">A real key would flash now. Choose what your finger would do:</p>
      <div className="actions">
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => act(() => api.demoTouch(), 'Demo key touched.')}>
          Touch the demo key
        </button>
        <button type="button" className="btn" disabled={busy} onClick={() => act(() => api.demoRefuse(), 'Demo key touch refused.')}>
          Refuse on the demo key
        </button>
      </div>
    </section>
  );
}

/** Unplug / plug buttons for the demo key, used by the reset wizard's live step. */
export function DemoPlugControls() {
  const [busy, setBusy] = useState(false);
  const act = async (fn: () => Promise<{ ok: boolean }>, said: string) => {
    setBusy(true);
    const r = await fn();
    setBusy(false);
    if (r.ok) announce(said);
  };
  return (
    <div className="demo-plug" data-testid="demo-plug-controls">
      <p className="small">
        <strong>{DEMO_KEY_LABEL}:</strong> use these buttons in place of pulling the key out and pushing it back in.
      </p>
      <div className="actions">
        <button type="button" className="btn" disabled={busy} onClick={() => act(() => api.demoUnplug(), 'Demo key unplugged.')}>
          Unplug the demo key
        </button>
        <button type="button" className="btn" disabled={busy} onClick={() => act(() => api.demoPlug(), 'Demo key plugged back in.')}>
          Plug the demo key back in
        </button>
      </div>
    </div>
  );
}

/** Renders its children with the selected key, or explains how to choose or plug one in. */
import type { ReactNode } from 'react';
import type { KeyInfo, KeySummary } from '../../../src/usecases/types.js';
import { keyFacts, keyShortName, keyTitle } from '../lib/key-label.js';
import { selectedKey } from '../lib/key-state.js';
import { selectKey, useKeysStore } from '../stores/keys-store.js';
import { navigate } from '../stores/nav-store.js';
import { OutcomePanel } from './outcome-panel.js';

export interface KeyContext {
  key: KeySummary;
  info: KeyInfo;
}

/** Header naming the key this screen works on. */
export function KeyBanner({ keyInfo }: { keyInfo: KeyContext }) {
  const { key, info } = keyInfo;
  return (
    <div className={`key-banner${key.isDemo ? ' key-banner-demo' : ''}`} data-testid="key-banner">
      <p className="key-banner-name">{keyTitle(key, info)}</p>
      <p className="muted small">{keyFacts(key, info).join(' · ')}</p>
    </div>
  );
}

export function KeyRequired({ children, allowU2f = false }: { children: (ctx: KeyContext) => ReactNode; allowU2f?: boolean }) {
  const state = useKeysStore();
  const { key, info, entry } = selectedKey(state);
  if (!state.loaded) return <p className="muted">Looking for keys…</p>;
  if (!key) {
    if (state.keys.length > 1) {
      return (
        <div className="card">
          <h2>Choose a key</h2>
          <p>More than one key is plugged in. Choose the one to work with:</p>
          <ul className="plain-list">
            {state.keys.map((k) => {
              const e = state.info[k.id];
              const name = keyShortName(k, e?.status === 'ready' ? e.info : undefined);
              return (
                <li key={k.id}>
                  <button type="button" className="btn" onClick={() => selectKey(k.id)}>
                    Use {name}
                  </button>
                </li>
              );
            })}
          </ul>
        </div>
      );
    }
    return (
      <div className="card">
        <h2>No key plugged in</h2>
        <p>Plug your security key into a USB port. It appears here on its own.</p>
        <div className="actions">
          <button type="button" className="btn" onClick={() => navigate('keys')}>
            Go to keys
          </button>
        </div>
      </div>
    );
  }
  if (!entry || entry.status === 'loading') return <p className="muted">Reading the key…</p>;
  if (entry.status === 'error') return <OutcomePanel error={entry.error} />;
  if (!info) return null;
  if (info.kind === 'u2f-only' && !allowU2f) {
    return (
      <>
        <KeyBanner keyInfo={{ key, info }} />
        <OutcomePanel error={{ code: 'U2F_ONLY', message: 'This key only speaks the older U2F protocol.' }} />
      </>
    );
  }
  return <>{children({ key, info })}</>;
}

/** Sidebar navigation: one button per screen, aria-current on the one showing. */
import { SCREENS } from '../lib/screens.js';
import { keyShortName } from '../lib/key-label.js';
import { selectedKey } from '../lib/key-state.js';
import { useKeysStore } from '../stores/keys-store.js';
import { navigate, useNavStore } from '../stores/nav-store.js';
import { useAppStore } from '../stores/app-store.js';

export function Sidebar() {
  const screen = useNavStore((s) => s.screen);
  const keys = useKeysStore();
  const { key, info } = selectedKey(keys);
  const version = useAppStore((s) => s.app?.version);
  return (
    <nav className="sidebar" aria-label="Main">
      <p className="brand">
        <svg className="brand-mark" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
          <path d="M8 2h8a2 2 0 0 1 2 2v9H6V4a2 2 0 0 1 2-2zm1 13h6v5a2 2 0 0 1-2 2h-2a2 2 0 0 1-2-2z" />
        </svg>
        Security Key Manager
      </p>
      <ul className="nav-list">
        {SCREENS.map((s) => (
          <li key={s.id}>
            <button
              type="button"
              className="nav-item"
              aria-current={screen === s.id ? 'page' : undefined}
              onClick={() => navigate(s.id)}
            >
              {s.nav}
            </button>
          </li>
        ))}
      </ul>
      <div className="sidebar-foot">
        <p className="muted small">Working with</p>
        <p className="small current-key" data-testid="current-key">
          {key ? keyShortName(key, info) : keys.keys.length > 1 ? 'No key chosen yet' : 'No key plugged in'}
        </p>
        {version && <p className="muted small">Version {version}</p>}
      </div>
    </nav>
  );
}

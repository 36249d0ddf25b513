/**
 * JSON of every store, for the end-to-end PIN-hygiene checks (`window.__skmDebugSnapshot()`).
 * The stores hold no PINs, tokens or session handles by design, so this is safe to expose.
 */
import { useAnnounceStore } from './announce-store.js';
import { useAppStore } from './app-store.js';
import { useKeysStore } from './keys-store.js';
import { useNavStore } from './nav-store.js';
import { useOrgStore } from './org-store.js';
import { useResetStore } from './reset-store.js';

/** Plain data of all stores (functions dropped by JSON). */
export function getStoreSnapshots(): string {
  return JSON.stringify({
    app: useAppStore.getState(),
    keys: useKeysStore.getState(),
    nav: useNavStore.getState(),
    org: useOrgStore.getState(),
    reset: useResetStore.getState(),
    announce: useAnnounceStore.getState(),
  });
}

/** Installs the read-only snapshot function on window. */
export function installDebugSnapshot(): void {
  if (typeof window === 'undefined' || typeof window.__skmDebugSnapshot === 'function') return;
  Object.defineProperty(window, '__skmDebugSnapshot', {
    value: () => getStoreSnapshots(),
    writable: false,
    configurable: false,
    enumerable: false,
  });
}

/**
 * Pure reducer for the attached-keys state: the keys-changed events of the key service, which
 * key is selected, per-key getInfo results and in-flight progress (CTAP 2.1 §11.2.9.2.1
 * keepalive statuses arrive as 'touch-needed'/'processing' progress). Serialisable, no secrets.
 */
import type { ErrorInfo, KeyEvent, KeyInfo, KeySummary, Progress } from '../../../src/usecases/types.js';

export type InfoEntry =
  | { status: 'loading' }
  | { status: 'ready'; info: KeyInfo }
  | { status: 'error'; error: ErrorInfo };

export interface KeyProgress {
  operation: string;
  progress: Progress;
}

export interface KeysState {
  /** The first key list has arrived. */
  loaded: boolean;
  keys: KeySummary[];
  selectedKeyId?: string;
  info: Record<string, InfoEntry>;
  progress: Record<string, KeyProgress>;
  /** The demo key is waiting for an on-screen touch or refusal. */
  demoTouchWaiting: boolean;
  listError?: ErrorInfo;
}

export const initialKeysState: KeysState = {
  loaded: false,
  keys: [],
  info: {},
  progress: {},
  demoTouchWaiting: false,
};

/** Keep the selection while its key stays; otherwise pick the only key, or none. */
export function chooseSelection(keys: KeySummary[], current?: string): string | undefined {
  if (current && keys.some((k) => k.id === current)) return current;
  return keys.length === 1 ? keys[0]!.id : undefined;
}

function keepOnly<T>(rec: Record<string, T>, ids: Set<string>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(rec)) if (ids.has(k)) out[k] = v;
  return out;
}

/** A fresh key list (from listKeys or a keys-changed event). */
export function applyKeyList(state: KeysState, keys: KeySummary[]): KeysState {
  const ids = new Set(keys.map((k) => k.id));
  return {
    ...state,
    loaded: true,
    keys,
    listError: undefined,
    selectedKeyId: chooseSelection(keys, state.selectedKeyId),
    // A replugged key may be a different key on the same path: drop what we knew about gone ids.
    info: keepOnly(state.info, ids),
    progress: keepOnly(state.progress, ids),
    demoTouchWaiting: keys.some((k) => k.isDemo) ? state.demoTouchWaiting : false,
  };
}

/** Applies one pushed event; reset-status events belong to the reset state and pass through. */
export function applyKeyEvent(state: KeysState, event: KeyEvent): KeysState {
  switch (event.type) {
    case 'keys-changed': {
      const next = applyKeyList(state, event.keys);
      // A key that was removed and came back under the same id is not the same session.
      if (event.removed.length || event.added.length) {
        const changed = new Set([...event.removed, ...event.added]);
        const info = { ...next.info };
        for (const id of changed) delete info[id];
        return { ...next, info };
      }
      return next;
    }
    case 'progress':
      return { ...state, progress: { ...state.progress, [event.keyId]: { operation: event.operation, progress: event.progress } } };
    case 'demo-touch-wait':
      return { ...state, demoTouchWaiting: event.waiting };
    default:
      return state;
  }
}

/** Clears progress once a call has finished. */
export function clearProgress(state: KeysState, keyId: string): KeysState {
  if (!(keyId in state.progress)) return state;
  const progress = { ...state.progress };
  delete progress[keyId];
  return { ...state, progress };
}

export function setInfo(state: KeysState, keyId: string, entry: InfoEntry): KeysState {
  if (!state.keys.some((k) => k.id === keyId)) return state;
  return { ...state, info: { ...state.info, [keyId]: entry } };
}

export function selectKey(state: KeysState, keyId: string | undefined): KeysState {
  if (keyId !== undefined && !state.keys.some((k) => k.id === keyId)) return state;
  return { ...state, selectedKeyId: keyId };
}

/** The selected key's summary and info, if any. */
export function selectedKey(state: KeysState): { key?: KeySummary; info?: KeyInfo; entry?: InfoEntry } {
  const key = state.keys.find((k) => k.id === state.selectedKeyId);
  if (!key) return {};
  const entry = state.info[key.id];
  return { key, entry, info: entry?.status === 'ready' ? entry.info : undefined };
}

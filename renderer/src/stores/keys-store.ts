/**
 * Attached keys, the selected key and what each key told us (getInfo, CTAP 2.1 §6.4), kept
 * live by keys-changed and progress events. Holds no PINs and no session handles.
 */
import { create } from 'zustand';
import type { KeyEvent, KeyInfo, KeySummary } from '../../../src/usecases/types.js';
import { api } from '../api/client.js';
import {
  applyKeyEvent,
  applyKeyList,
  clearProgress,
  initialKeysState,
  selectKey as selectKeyPure,
  setInfo,
  type KeysState,
} from '../lib/key-state.js';
import { keyShortName } from '../lib/key-label.js';
import { announce } from './announce-store.js';

export const useKeysStore = create<KeysState>()(() => ({ ...initialKeysState }));

/** When true (a reset is running) no getInfo is sent on our own, so nothing disturbs the key. */
let quiet = false;
export function setQuiet(on: boolean): void {
  quiet = on;
}

/** Asks for getInfo of a key (once, unless forced). */
export async function loadInfo(keyId: string, force = false): Promise<void> {
  const entry = useKeysStore.getState().info[keyId];
  if (!force && entry && entry.status !== 'error') return;
  // Keep showing what we know while re-reading, so open screens (and their sessions) stay put.
  if (entry?.status !== 'ready') useKeysStore.setState((s) => setInfo(s, keyId, { status: 'loading' }));
  const r = await api.getKeyInfo(keyId);
  useKeysStore.setState((s) => setInfo(s, keyId, r.ok ? { status: 'ready', info: r.value } : { status: 'error', error: r.error }));
}

function loadMissingInfo(): void {
  if (quiet) return;
  const s = useKeysStore.getState();
  for (const k of s.keys) if (!s.info[k.id]) void loadInfo(k.id);
}

export async function refreshKeys(): Promise<void> {
  const r = await api.listKeys();
  if (r.ok) {
    useKeysStore.setState((s) => applyKeyList(s, r.value));
    loadMissingInfo();
  } else {
    useKeysStore.setState({ loaded: true, listError: r.error });
  }
}

function nameOf(id: string, keys: KeySummary[], info?: KeyInfo): string {
  const k = keys.find((x) => x.id === id);
  return k ? keyShortName(k, info) : 'A security key';
}

/** Feeds one pushed event into the store and announces plug/unplug. */
export function handleKeyEvent(event: KeyEvent): void {
  const before = useKeysStore.getState();
  useKeysStore.setState((s) => applyKeyEvent(s, event));
  if (event.type === 'keys-changed') {
    for (const id of event.added) announce(`${nameOf(id, event.keys)} plugged in.`);
    for (const id of event.removed) {
      const e = before.info[id];
      announce(`${nameOf(id, before.keys, e?.status === 'ready' ? e.info : undefined)} unplugged.`);
    }
    loadMissingInfo();
  } else if (event.type === 'progress' && event.progress.step === 'touch-needed' && event.operation !== 'reset') {
    // The reset wizard announces its own touch step from reset-status events.
    announce('Touch your key now.');
  } else if (event.type === 'demo-touch-wait' && event.waiting) {
    announce('The demo key is waiting for a touch. Use the Touch the demo key button.');
  }
}

export function selectKey(keyId: string | undefined): void {
  useKeysStore.setState((s) => selectKeyPure(s, keyId));
  if (keyId) void loadInfo(keyId);
}

export function doneWithProgress(keyId: string): void {
  useKeysStore.setState((s) => clearProgress(s, keyId));
}

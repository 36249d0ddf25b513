/**
 * The factory-reset wizard (CTAP 2.1 §6.6): state from lib/reset-wizard.ts plus the calls.
 * The single-use confirmation token from prepareReset stays in this module's closure, never in
 * the store, and is dropped as soon as startReset has used it.
 */
import { create } from 'zustand';
import type { ResetStatus } from '../../../src/usecases/types.js';
import { api } from '../api/client.js';
import {
  applyResetStatus,
  beginReset,
  canStart,
  goBack,
  goNext,
  initialResetState,
  isRunningPhase,
  prepareFailed,
  prepared,
  resetCallFinished,
  retryReset,
  started,
  type ResetWizardState,
} from '../lib/reset-wizard.js';
import { announce } from './announce-store.js';
import { loadInfo, refreshKeys, setQuiet, useKeysStore } from './keys-store.js';

export const useResetStore = create<ResetWizardState>()(() => ({ ...initialResetState }));

let confirmationToken: string | undefined;

function set(fn: (s: ResetWizardState) => ResetWizardState): void {
  useResetStore.setState((s) => fn(s), true);
  setQuiet(isRunningPhase(useResetStore.getState().status?.phase) && useResetStore.getState().step === 'running');
}

async function prepare(keyId: string): Promise<boolean> {
  confirmationToken = undefined;
  const r = await api.prepareReset(keyId);
  if (r.ok) {
    confirmationToken = r.value.confirmationToken;
    set((s) => prepared(s, r.value));
    return true;
  }
  set((s) => prepareFailed(s, r.error));
  return false;
}

/** Opens the wizard for a key and fetches what a reset would erase. */
export async function openResetWizard(keyId: string, keyIsDemo: boolean): Promise<void> {
  set(() => beginReset(keyId, keyIsDemo));
  await prepare(keyId);
}

export function setUnderstandsLoss(v: boolean): void {
  set((s) => ({ ...s, understandsLoss: v }));
}
export function setHasBackup(v: 'yes' | 'no'): void {
  set((s) => ({ ...s, hasBackup: v }));
}
export function setConfirmText(v: string): void {
  set((s) => ({ ...s, confirmText: v }));
}
export function wizardNext(): void {
  set(goNext);
}
export function wizardBack(): void {
  set(goBack);
}

/** Leaves the wizard before anything was sent to the key. */
export function closeResetWizard(): void {
  // A prepared but unstarted reset still holds a token in the service: withdraw it.
  const pending = confirmationToken !== undefined;
  confirmationToken = undefined;
  set(() => ({ ...initialResetState }));
  if (pending) void api.cancelReset();
}

/** Every guard passed: send startReset and follow the reset-status events. */
export async function startResetNow(): Promise<void> {
  const s = useResetStore.getState();
  const token = confirmationToken;
  if (!canStart(s) || !s.keyId || !token) return;
  confirmationToken = undefined; // single use
  set((st) => started(st, Date.now()));
  announce('Reset started. Unplug your key now.');
  const r = await api.startReset(s.keyId, { confirmationToken: token, understandsLoss: true, hasBackupSignIn: true });
  set((st) => resetCallFinished(st, r, Date.now()));
  const fin = useResetStore.getState().final;
  if (fin?.kind === 'done') announce('The key has been reset.');
  else if (fin?.kind === 'cancelled') announce('Reset cancelled. Nothing was erased.');
  await refreshKeys();
  // Same path, new contents: read the key again so PIN state and capacity are current.
  if (fin?.kind === 'done' && s.keyId && useKeysStore.getState().keys.some((k) => k.id === s.keyId)) void loadInfo(s.keyId, true);
}

/** Start again after a too-late / denied / timed-out attempt, without repeating the questions. */
export async function retryResetNow(): Promise<void> {
  const s = useResetStore.getState();
  if (!s.keyId) return;
  // After unplugging, the key may be back under a new id: use the only attached key if so.
  await refreshKeys();
  const keys = useKeysStore.getState().keys;
  const keyId = keys.some((k) => k.id === s.keyId) ? s.keyId : keys.length === 1 ? keys[0]!.id : s.keyId;
  set((st) => ({ ...retryReset(st), keyId }));
  if (await prepare(keyId)) await startResetNow();
}

export async function cancelRunningReset(): Promise<void> {
  const r = await api.cancelReset();
  if (!r.ok) announce(r.error.message);
}

/** A pushed reset-status event (also used at start-up with getResetStatus). */
export function handleResetStatus(status: ResetStatus): void {
  const before = useResetStore.getState().status?.phase;
  set((s) => applyResetStatus(s, status, Date.now()));
  if (status.phase !== before) {
    if (status.phase === 'unplug') announce('Unplug your key now.');
    else if (status.phase === 'replug') announce('Plug your key back in now.');
    else if (status.phase === 'touch') announce(status.longTouch ? 'Touch and hold your key now.' : 'Touch your key now.');
  }
}

export async function syncResetStatus(): Promise<void> {
  const r = await api.getResetStatus();
  if (r.ok && isRunningPhase(r.value.phase)) handleResetStatus(r.value);
}

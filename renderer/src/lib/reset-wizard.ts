/**
 * Pure state machine of the guarded factory-reset wizard (CTAP 2.1 §6.6 authenticatorReset).
 * The key only accepts a reset within a short window after power-up and only with a touch, so
 * the running step follows the key service's reset-status events (unplug -> replug -> touch).
 * Holds no PIN and no confirmation token; both live outside any store.
 */
import type { ErrorInfo, ResetPreparation, ResetStatus, Result } from '../../../src/usecases/types.js';

/** The word the person must type to confirm. */
export const RESET_CONFIRM_WORD = 'RESET';

export type WizardStep = 'losses' | 'backup' | 'confirm' | 'running' | 'finished';

export type ResetFinal =
  | { kind: 'done' }
  | { kind: 'failed'; error: ErrorInfo }
  | { kind: 'cancelled' };

export type PreparationView = Omit<ResetPreparation, 'confirmationToken'>;

export interface ResetWizardState {
  /** False until the person opens the wizard for a key. */
  active: boolean;
  step: WizardStep;
  keyId?: string;
  keyIsDemo: boolean;
  preparing: boolean;
  preparation?: PreparationView;
  prepareError?: ErrorInfo;
  understandsLoss: boolean;
  hasBackup?: 'yes' | 'no';
  confirmText: string;
  /** Latest reset-status from the key service, and when it arrived (for the local countdown). */
  status?: ResetStatus;
  statusAt?: number;
  final?: ResetFinal;
}

export const initialResetState: ResetWizardState = {
  active: false,
  step: 'losses',
  keyIsDemo: false,
  preparing: false,
  understandsLoss: false,
  confirmText: '',
};

/** Exact word, surrounding spaces forgiven, case not (so it stays a deliberate act). */
export function isConfirmTyped(text: string): boolean {
  return text.trim() === RESET_CONFIRM_WORD;
}

export function isRunningPhase(phase: ResetStatus['phase'] | undefined): boolean {
  return phase === 'unplug' || phase === 'replug' || phase === 'touch';
}

/** Opens the wizard for a key and waits for prepareReset. */
export function beginReset(keyId: string, keyIsDemo: boolean): ResetWizardState {
  return { ...initialResetState, active: true, keyId, keyIsDemo, preparing: true };
}

export function prepared(state: ResetWizardState, prep: ResetPreparation): ResetWizardState {
  const { confirmationToken: _token, ...view } = prep;
  return { ...state, preparing: false, preparation: view, prepareError: undefined };
}

export function prepareFailed(state: ResetWizardState, error: ErrorInfo): ResetWizardState {
  return { ...state, preparing: false, preparation: undefined, prepareError: error };
}

export function canContinue(state: ResetWizardState): boolean {
  switch (state.step) {
    case 'losses':
      return !!state.preparation && state.understandsLoss;
    case 'backup':
      return state.hasBackup === 'yes';
    case 'confirm':
      return canStart(state);
    default:
      return false;
  }
}

/** Every guard passed: losses shown and accepted, backup sign-in confirmed, word typed. */
export function canStart(state: ResetWizardState): boolean {
  return !!state.preparation && state.understandsLoss && state.hasBackup === 'yes' && isConfirmTyped(state.confirmText);
}

export function goNext(state: ResetWizardState): ResetWizardState {
  if (!canContinue(state)) return state;
  if (state.step === 'losses') return { ...state, step: 'backup' };
  if (state.step === 'backup') return { ...state, step: 'confirm' };
  return state;
}

export function goBack(state: ResetWizardState): ResetWizardState {
  if (state.step === 'backup') return { ...state, step: 'losses' };
  if (state.step === 'confirm') return { ...state, step: 'backup' };
  return state;
}

/** The reset call is on its way: show the live step straight away. */
export function started(state: ResetWizardState, now: number): ResetWizardState {
  if (!canStart(state)) return state;
  return { ...state, step: 'running', final: undefined, status: { phase: 'unplug', keyId: state.keyId }, statusAt: now };
}

function finalFromStatus(status: ResetStatus): ResetFinal | undefined {
  if (status.phase === 'done') return { kind: 'done' };
  if (status.phase === 'cancelled') return { kind: 'cancelled' };
  if (status.phase === 'failed') {
    const error = status.outcome ?? { code: 'INTERNAL', message: 'The reset did not finish.' };
    return error.code === 'CANCELLED' ? { kind: 'cancelled' } : { kind: 'failed', error };
  }
  return undefined;
}

/** A reset-status event. Running phases move the wizard to the live step (also after an app reload). */
export function applyResetStatus(state: ResetWizardState, status: ResetStatus, now: number): ResetWizardState {
  if (isRunningPhase(status.phase)) {
    return {
      ...state,
      active: true,
      keyId: state.keyId ?? status.keyId,
      step: 'running',
      status,
      statusAt: now,
      final: undefined,
    };
  }
  // Final phases only matter to a wizard that is running; stale ones must not end a new wizard.
  if (state.step !== 'running') return state;
  const final = finalFromStatus(status);
  if (!final) return { ...state, status, statusAt: now };
  return { ...state, step: 'finished', status, statusAt: now, final };
}

/** startReset answered: its result is the final word on the outcome. */
export function resetCallFinished(state: ResetWizardState, result: Result<ResetStatus>, now: number): ResetWizardState {
  if (state.step !== 'running' && state.step !== 'finished') return state;
  if (result.ok) {
    const final = finalFromStatus(result.value) ?? { kind: 'failed', error: { code: 'INTERNAL', message: 'The reset stopped before it finished.' } };
    return { ...state, step: 'finished', status: result.value, statusAt: now, final };
  }
  const final: ResetFinal = result.error.code === 'CANCELLED' ? { kind: 'cancelled' } : { kind: 'failed', error: result.error };
  return { ...state, step: 'finished', final };
}

/** A retry after a failed attempt: keeps the acknowledgements, needs a fresh preparation. */
export function retryReset(state: ResetWizardState): ResetWizardState {
  return { ...state, step: 'confirm', final: undefined, status: undefined, statusAt: undefined, preparing: true, preparation: undefined, prepareError: undefined };
}

/** Whether the finished outcome offers an immediate "start again". */
export function offersRetry(final: ResetFinal | undefined): boolean {
  if (!final) return false;
  if (final.kind === 'cancelled') return true;
  if (final.kind === 'failed') return ['RESET_TOO_LATE', 'RESET_DENIED', 'RESET_TIMEOUT', 'TIMEOUT', 'KEY_DISCONNECTED'].includes(final.error.code);
  return false;
}

import { describe, expect, it } from 'vitest';
import type { ResetPreparation } from '../../../src/usecases/types.js';
import {
  applyResetStatus,
  beginReset,
  canStart,
  goBack,
  goNext,
  isConfirmTyped,
  offersRetry,
  prepared,
  resetCallFinished,
  retryReset,
  started,
  type ResetWizardState,
} from '../../../renderer/src/lib/reset-wizard.js';

const PREP: ResetPreparation = {
  confirmationToken: 'secret-token-123',
  keyId: 'k1',
  modelName: 'YubiKey 5 NFC',
  windowMs: 10_000,
  longTouchForReset: false,
  losses: ['Every passkey on the key', 'The PIN'],
};

function atConfirm(): ResetWizardState {
  let s = prepared(beginReset('k1', false), PREP);
  s = goNext({ ...s, understandsLoss: true });
  s = goNext({ ...s, hasBackup: 'yes' });
  return s;
}

describe('reset wizard guards', () => {
  it('never keeps the confirmation token in its state', () => {
    const s = prepared(beginReset('k1', false), PREP);
    expect(JSON.stringify(s)).not.toContain('secret-token-123');
    expect(s.preparation?.losses).toEqual(PREP.losses);
  });

  it('cannot leave step 1 before the losses are loaded and accepted', () => {
    const loading = beginReset('k1', false);
    expect(goNext({ ...loading, understandsLoss: true }).step).toBe('losses');
    const shown = prepared(loading, PREP);
    expect(goNext(shown).step).toBe('losses');
    expect(goNext({ ...shown, understandsLoss: true }).step).toBe('backup');
  });

  it('has no way forward without another sign-in method', () => {
    let s = goNext({ ...prepared(beginReset('k1', false), PREP), understandsLoss: true });
    s = { ...s, hasBackup: 'no' };
    expect(goNext(s).step).toBe('backup');
    expect(goNext({ ...s, hasBackup: undefined }).step).toBe('backup');
    expect(goNext({ ...s, hasBackup: 'yes' }).step).toBe('confirm');
  });

  it('needs the exact word RESET', () => {
    expect(isConfirmTyped('RESET')).toBe(true);
    expect(isConfirmTyped('  RESET ')).toBe(true);
    expect(isConfirmTyped('reset')).toBe(false);
    expect(isConfirmTyped('RESE')).toBe(false);
    const s = atConfirm();
    expect(canStart({ ...s, confirmText: 'Reset' })).toBe(false);
    expect(canStart({ ...s, confirmText: 'RESET' })).toBe(true);
    // Changing the backup answer afterwards takes the permission away again.
    expect(canStart({ ...s, confirmText: 'RESET', hasBackup: 'no' })).toBe(false);
  });

  it('does not start when a guard is missing', () => {
    const s = { ...atConfirm(), confirmText: 'nope' };
    expect(started(s, 0).step).toBe('confirm');
  });

  it('goes back one step at a time', () => {
    const s = atConfirm();
    expect(goBack(s).step).toBe('backup');
    expect(goBack(goBack(s)).step).toBe('losses');
  });
});

describe('reset wizard live step (reset-status events)', () => {
  const running = () => started({ ...atConfirm(), confirmText: 'RESET' }, 1000);

  it('follows unplug -> replug -> touch with the remaining window', () => {
    let s = running();
    expect(s.step).toBe('running');
    expect(s.status?.phase).toBe('unplug');
    s = applyResetStatus(s, { phase: 'replug', keyId: 'k1' }, 2000);
    expect(s.status?.phase).toBe('replug');
    s = applyResetStatus(s, { phase: 'touch', keyId: 'k1', remainingMs: 8000 }, 3000);
    expect(s.status?.remainingMs).toBe(8000);
    expect(s.statusAt).toBe(3000);
    s = applyResetStatus(s, { phase: 'done', keyId: 'k1' }, 4000);
    expect(s.step).toBe('finished');
    expect(s.final).toEqual({ kind: 'done' });
  });

  it('reports failures with their outcome and offers a retry for too late', () => {
    const s = applyResetStatus(running(), { phase: 'failed', outcome: { code: 'RESET_TOO_LATE', message: 'late' } }, 5000);
    expect(s.final).toEqual({ kind: 'failed', error: { code: 'RESET_TOO_LATE', message: 'late' } });
    expect(offersRetry(s.final)).toBe(true);
    expect(offersRetry({ kind: 'failed', error: { code: 'MULTIPLE_KEYS', message: '' } })).toBe(false);
    expect(offersRetry({ kind: 'done' })).toBe(false);
  });

  it('treats a cancelled outcome as cancelled', () => {
    const s = applyResetStatus(running(), { phase: 'failed', outcome: { code: 'CANCELLED', message: '' } }, 5000);
    expect(s.final).toEqual({ kind: 'cancelled' });
  });

  it('ignores a stale final status while the wizard is not running', () => {
    const s = atConfirm();
    expect(applyResetStatus(s, { phase: 'done' }, 1)).toBe(s);
  });

  it('picks up a reset that is already running (app reloaded mid-reset)', () => {
    const s = applyResetStatus({ ...beginReset('x', false), active: false, keyId: undefined }, { phase: 'touch', keyId: 'k9', remainingMs: 4000 }, 10);
    expect(s.active).toBe(true);
    expect(s.step).toBe('running');
    expect(s.keyId).toBe('k9');
  });

  it('takes the startReset answer as the final word', () => {
    const ok = resetCallFinished(running(), { ok: true, value: { phase: 'done' } }, 9);
    expect(ok.final).toEqual({ kind: 'done' });
    const denied = resetCallFinished(running(), { ok: false, error: { code: 'RESET_DENIED', message: 'no' } }, 9);
    expect(denied.final).toEqual({ kind: 'failed', error: { code: 'RESET_DENIED', message: 'no' } });
    // A call answer arriving for a wizard that was closed changes nothing.
    const closed = atConfirm();
    expect(resetCallFinished(closed, { ok: true, value: { phase: 'done' } }, 9)).toBe(closed);
  });

  it('retries without asking the questions again but with a fresh preparation', () => {
    const failed = resetCallFinished(running(), { ok: false, error: { code: 'RESET_TOO_LATE', message: '' } }, 9);
    const r = retryReset(failed);
    expect(r.step).toBe('confirm');
    expect(r.preparing).toBe(true);
    expect(r.preparation).toBeUndefined();
    expect(r.understandsLoss).toBe(true);
    expect(r.hasBackup).toBe('yes');
    expect(canStart(prepared(r, PREP))).toBe(true);
  });
});

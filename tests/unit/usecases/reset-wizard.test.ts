import { describe, expect, it } from 'vitest';
import { CtapError } from '../../../src/errors.js';
import { CtapStatus } from '../../../src/ctap2/status.js';
import { ResetWizard, sameKey, type ResetWizardDeps } from '../../../src/usecases/reset-wizard.js';
import type { KeySummary, ResetStatus } from '../../../src/usecases/types.js';

const key = (id: string, serialNumber?: string): KeySummary => ({ id, transport: 'usb', isDemo: false, vendorId: 0x1050, productId: 0x0407, ...(serialNumber ? { serialNumber } : {}) });

/** A scripted world: which keys are attached, and what the key answers to the reset. */
function world(answers: (() => Promise<void>)[]) {
  const state = { keys: [key('/dev/hidraw1', 'S1')], sent: [] as string[], statuses: [] as ResetStatus[] };
  const deps: ResetWizardDeps = {
    listKeys: async () => state.keys.map((k) => ({ ...k })),
    describe: async () => ({ modelName: 'YubiKey 5 Series', longTouchForReset: false }),
    sendReset: async (id) => {
      state.sent.push(id);
      await (answers.shift() ?? (async () => {}))();
    },
    emitStatus: (s) => state.statuses.push(s),
  };
  return { state, deps };
}
const fast = { unplugPollMs: 1, replugPollMs: 1, countdownTickMs: 5, waitTimeoutMs: 1_000 };
const ACK = { understandsLoss: true, hasBackupSignIn: true };

async function drive(state: ReturnType<typeof world>['state'], back: KeySummary) {
  while (!state.statuses.some((s) => s.phase === 'unplug')) await new Promise((r) => setTimeout(r, 1));
  const replugs = state.statuses.filter((s) => s.phase === 'replug').length;
  state.keys = [];
  while (state.statuses.filter((s) => s.phase === 'replug').length === replugs) await new Promise((r) => setTimeout(r, 1));
  state.keys = [back];
}

describe('ResetWizard (scripted)', () => {
  it('follows idle -> awaiting-confirmation -> unplug -> replug -> touch -> done, following the key to its new path', async () => {
    const { state, deps } = world([]);
    const w = new ResetWizard(deps, fast);
    expect(w.status.phase).toBe('idle');
    const prep = await w.prepare('/dev/hidraw1');
    const run = w.start('/dev/hidraw1', { confirmationToken: prep.confirmationToken, ...ACK });
    await drive(state, key('/dev/hidraw7', 'S1'));
    const final = await run;
    expect(final).toMatchObject({ phase: 'done', keyId: '/dev/hidraw7' });
    expect(state.sent).toEqual(['/dev/hidraw7']);
    const phases = state.statuses.map((s) => s.phase).filter((p, i, a) => p !== a[i - 1]);
    expect(phases).toEqual(['awaiting-confirmation', 'unplug', 'replug', 'touch', 'done']);
  });

  it('maps the key answers: NOT_ALLOWED retried up to the limit, OPERATION_DENIED, timeouts', async () => {
    const tooLate = async () => Promise.reject(new CtapError(CtapStatus.CTAP2_ERR_NOT_ALLOWED));
    const { state, deps } = world([tooLate, tooLate]);
    const w = new ResetWizard(deps, { ...fast, maxAttempts: 2 });
    const prep = await w.prepare('/dev/hidraw1');
    const run = w.start('/dev/hidraw1', { confirmationToken: prep.confirmationToken, ...ACK });
    await drive(state, key('/dev/hidraw2', 'S1'));
    while (!state.statuses.some((s) => s.phase === 'unplug' && s.outcome?.code === 'RESET_TOO_LATE')) await new Promise((r) => setTimeout(r, 1));
    await drive(state, key('/dev/hidraw3', 'S1'));
    const final = await run;
    expect(final.phase).toBe('failed');
    expect(final.outcome?.code).toBe('RESET_TOO_LATE');
    expect(state.sent).toEqual(['/dev/hidraw2', '/dev/hidraw3']);

    for (const [status, code] of [
      [CtapStatus.CTAP2_ERR_OPERATION_DENIED, 'RESET_DENIED'],
      [CtapStatus.CTAP2_ERR_USER_ACTION_TIMEOUT, 'RESET_TIMEOUT'],
      [CtapStatus.CTAP2_ERR_ACTION_TIMEOUT, 'RESET_TIMEOUT'],
    ] as const) {
      const t = world([async () => Promise.reject(new CtapError(status))]);
      const w2 = new ResetWizard(t.deps, fast);
      const p = await w2.prepare('/dev/hidraw1');
      const r = w2.start('/dev/hidraw1', { confirmationToken: p.confirmationToken, ...ACK });
      await drive(t.state, key('/dev/hidraw1', 'S1'));
      expect((await r).outcome?.code).toBe(code);
    }
  });

  it('cancel before start ends the confirmation; the token no longer works', async () => {
    const { deps } = world([]);
    const w = new ResetWizard(deps, fast);
    const prep = await w.prepare('/dev/hidraw1');
    w.cancel();
    expect(w.status.phase).toBe('cancelled');
    await expect(w.start('/dev/hidraw1', { confirmationToken: prep.confirmationToken, ...ACK })).rejects.toMatchObject({ outcome: 'RESET_NOT_CONFIRMED' });
  });

  it('the replug wait times out', async () => {
    const { state, deps } = world([]);
    const w = new ResetWizard(deps, { ...fast, waitTimeoutMs: 50 });
    const prep = await w.prepare('/dev/hidraw1');
    const run = w.start('/dev/hidraw1', { confirmationToken: prep.confirmationToken, ...ACK });
    while (!state.statuses.some((s) => s.phase === 'unplug')) await new Promise((r) => setTimeout(r, 1));
    state.keys = [];
    const final = await run;
    expect(final.phase).toBe('failed');
    expect(final.outcome?.code).toBe('TIMEOUT');
    expect(final.outcome?.message).toMatch(/plugged back/);
  });

  it('sameKey: vendor, product, and serial where there is one', () => {
    expect(sameKey(key('a', 'S1'), key('b', 'S1'))).toBe(true);
    expect(sameKey(key('a', 'S1'), key('b', 'S2'))).toBe(false);
    expect(sameKey(key('a', 'S1'), key('b'))).toBe(false);
    expect(sameKey(key('a'), key('b'))).toBe(true);
    expect(sameKey(key('a'), { ...key('b'), productId: 1 })).toBe(false);
  });
});

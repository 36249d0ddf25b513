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

  it('refuses a start when another key has taken the path, and withdraws the token', async () => {
    const { state, deps } = world([]);
    const w = new ResetWizard(deps, fast);
    const prep = await w.prepare('/dev/hidraw1');
    state.keys = [key('/dev/hidraw1', 'S2')];
    await expect(w.start('/dev/hidraw1', { confirmationToken: prep.confirmationToken, ...ACK })).rejects.toMatchObject({
      outcome: 'RESET_NOT_CONFIRMED',
      message: 'The reset was not started: a different key is plugged in now.',
      details: { hint: 'Prepare the reset again.' },
    });
    state.keys = [key('/dev/hidraw1', 'S1')];
    await expect(w.start('/dev/hidraw1', { confirmationToken: prep.confirmationToken, ...ACK })).rejects.toMatchObject({ outcome: 'RESET_NOT_CONFIRMED' });
    expect(state.statuses.some((s) => s.phase === 'unplug')).toBe(false);
    expect(state.sent).toEqual([]);
  });

  it('keys without a serial: another model on the same path is refused', async () => {
    const { state, deps } = world([]);
    state.keys = [key('/dev/hidraw1')];
    const w = new ResetWizard(deps, fast);
    const prep = await w.prepare('/dev/hidraw1');
    state.keys = [{ ...key('/dev/hidraw1'), productId: 0x0120 }];
    await expect(w.start('/dev/hidraw1', { confirmationToken: prep.confirmationToken, ...ACK })).rejects.toMatchObject({ outcome: 'RESET_NOT_CONFIRMED' });
    expect(state.sent).toEqual([]);
  });

  it('replug: the key coming back alongside another key fails with MULTIPLE_KEYS and sends nothing', async () => {
    const { state, deps } = world([]);
    state.keys = [key('/dev/hidraw1')];
    const w = new ResetWizard(deps, fast);
    const prep = await w.prepare('/dev/hidraw1');
    const run = w.start('/dev/hidraw1', { confirmationToken: prep.confirmationToken, ...ACK });
    while (!state.statuses.some((s) => s.phase === 'unplug')) await new Promise((r) => setTimeout(r, 1));
    state.keys = [];
    while (!state.statuses.some((s) => s.phase === 'replug')) await new Promise((r) => setTimeout(r, 1));
    state.keys = [key('/dev/hidraw2'), key('/dev/hidraw1')];
    const final = await run;
    expect(final.phase).toBe('failed');
    expect(final.outcome).toMatchObject({
      code: 'MULTIPLE_KEYS',
      message: 'More than one security key is plugged in, so the reset was not sent.',
      hint: 'Nothing was erased. Unplug every other key and start again.',
    });
    expect(state.sent).toEqual([]);
  });

  it('two starts at once: the second is refused, a cancel during the first start ends it as cancelled', async () => {
    const { state, deps } = world([]);
    let release: () => void = () => {};
    const list = deps.listKeys;
    let gated = false;
    deps.listKeys = async () => {
      if (gated) await new Promise<void>((r) => (release = r));
      return list();
    };
    const w = new ResetWizard(deps, fast);
    const prep = await w.prepare('/dev/hidraw1');
    gated = true;
    const first = w.start('/dev/hidraw1', { confirmationToken: prep.confirmationToken, ...ACK });
    await expect(w.start('/dev/hidraw1', { confirmationToken: prep.confirmationToken, ...ACK })).rejects.toMatchObject({
      outcome: 'INVALID_STATE',
      message: 'A reset is already in progress.',
    });
    await expect(w.prepare('/dev/hidraw1')).rejects.toMatchObject({ outcome: 'INVALID_STATE' });
    w.cancel();
    gated = false;
    release();
    const final = await first;
    expect(final.phase).toBe('cancelled');
    expect(final.outcome?.code).toBe('CANCELLED');
    expect(state.statuses.some((s) => s.phase === 'unplug')).toBe(false);
    await expect(w.start('/dev/hidraw1', { confirmationToken: prep.confirmationToken, ...ACK })).rejects.toMatchObject({ outcome: 'RESET_NOT_CONFIRMED' });
    // A fresh preparation works afterwards.
    expect((await w.prepare('/dev/hidraw1')).keyId).toBe('/dev/hidraw1');
  });

  it('sameKey: vendor, product, and serial where there is one', () => {
    expect(sameKey(key('a', 'S1'), key('b', 'S1'))).toBe(true);
    expect(sameKey(key('a', 'S1'), key('b', 'S2'))).toBe(false);
    expect(sameKey(key('a', 'S1'), key('b'))).toBe(false);
    expect(sameKey(key('a'), key('b'))).toBe(true);
    expect(sameKey(key('a'), { ...key('b'), productId: 1 })).toBe(false);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResetPreparation } from '../../../src/usecases/types.js';
import { useKeysStore, handleKeyEvent, refreshKeys } from '../../../renderer/src/stores/keys-store.js';
import {
  closeResetWizard,
  handleResetStatus,
  openResetWizard,
  setConfirmText,
  setHasBackup,
  setUnderstandsLoss,
  startResetNow,
  useResetStore,
  wizardNext,
} from '../../../renderer/src/stores/reset-store.js';
import { getStoreSnapshots } from '../../../renderer/src/stores/snapshot.js';
import { useAnnounceStore } from '../../../renderer/src/stores/announce-store.js';
import { initialKeysState } from '../../../renderer/src/lib/key-state.js';
import { installFakeSkm, removeFakeSkm } from './fake-window.js';
import { keyInfo, summary } from './fixtures.js';

const TOKEN = 'tok-5f2c9e-single-use';
const KEY = summary('/dev/hidraw3');
const prep: ResetPreparation = { confirmationToken: TOKEN, keyId: KEY.id, modelName: 'YubiKey 5 NFC', windowMs: 10_000, longTouchForReset: false, losses: ['All passkeys'] };

beforeEach(() => {
  useKeysStore.setState({ ...initialKeysState }, true);
  closeResetWizard();
});
afterEach(removeFakeSkm);

describe('keys store', () => {
  it('loads the list, reads each key once and announces plug and unplug', async () => {
    installFakeSkm({ listKeys: () => ({ ok: true, value: [KEY] }), getKeyInfo: () => ({ ok: true, value: keyInfo(KEY) }) });
    await refreshKeys();
    await new Promise((r) => setTimeout(r, 0));
    const s = useKeysStore.getState();
    expect(s.selectedKeyId).toBe(KEY.id);
    expect(s.info[KEY.id]?.status).toBe('ready');
    handleKeyEvent({ type: 'keys-changed', keys: [], added: [], removed: [KEY.id] });
    expect(useKeysStore.getState().keys).toEqual([]);
    expect(useAnnounceStore.getState().message).toBe('YubiKey 5 NFC unplugged.');
  });
});

describe('reset store', () => {
  it('keeps the confirmation token out of every store and sends it exactly once', async () => {
    const fake = installFakeSkm({
      prepareReset: () => ({ ok: true, value: prep }),
      startReset: () => ({ ok: true, value: { phase: 'done', keyId: KEY.id } }),
      listKeys: () => ({ ok: true, value: [KEY] }),
      getKeyInfo: () => ({ ok: true, value: keyInfo(KEY) }),
    });
    useKeysStore.setState((s) => ({ ...s, keys: [KEY], loaded: true }));
    await openResetWizard(KEY.id, false);
    expect(getStoreSnapshots()).not.toContain(TOKEN);

    // Start is refused until every guard is passed.
    await startResetNow();
    expect(fake.calls.some((c) => c.method === 'startReset')).toBe(false);

    setUnderstandsLoss(true);
    wizardNext();
    setHasBackup('yes');
    wizardNext();
    setConfirmText('RESET');
    await startResetNow();
    const starts = fake.calls.filter((c) => c.method === 'startReset');
    expect(starts).toHaveLength(1);
    expect(starts[0]!.args).toEqual([KEY.id, { confirmationToken: TOKEN, understandsLoss: true, hasBackupSignIn: true }]);
    expect(useResetStore.getState().final).toEqual({ kind: 'done' });
    expect(getStoreSnapshots()).not.toContain(TOKEN);

    // The token was single use: a second start sends nothing.
    await startResetNow();
    expect(fake.calls.filter((c) => c.method === 'startReset')).toHaveLength(1);
  });

  it('shows a refusal with several keys attached', async () => {
    installFakeSkm({ prepareReset: () => ({ ok: false, error: { code: 'MULTIPLE_KEYS', message: 'Two keys' } }) });
    await openResetWizard(KEY.id, false);
    const s = useResetStore.getState();
    expect(s.prepareError?.code).toBe('MULTIPLE_KEYS');
    setUnderstandsLoss(true);
    wizardNext();
    expect(useResetStore.getState().step).toBe('losses');
  });

  it('follows reset-status events and announces each phase', () => {
    handleResetStatus({ phase: 'unplug', keyId: KEY.id });
    expect(useResetStore.getState().step).toBe('running');
    expect(useAnnounceStore.getState().message).toBe('Unplug your key now.');
    handleResetStatus({ phase: 'touch', keyId: KEY.id, remainingMs: 7000, longTouch: true });
    expect(useAnnounceStore.getState().message).toBe('Touch and hold your key now.');
    handleResetStatus({ phase: 'failed', keyId: KEY.id, outcome: { code: 'RESET_TIMEOUT', message: 't' } });
    expect(useResetStore.getState().final).toEqual({ kind: 'failed', error: { code: 'RESET_TIMEOUT', message: 't' } });
  });
});

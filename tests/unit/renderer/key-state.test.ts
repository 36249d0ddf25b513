import { describe, expect, it } from 'vitest';
import {
  applyKeyEvent,
  applyKeyList,
  chooseSelection,
  clearProgress,
  initialKeysState,
  selectKey,
  selectedKey,
  setInfo,
} from '../../../renderer/src/lib/key-state.js';
import { keyInfo, summary } from './fixtures.js';

const A = summary('/dev/hidraw0');
const B = summary('/dev/hidraw1', { serialNumber: '123' });
const DEMO = summary('demo', { isDemo: true, transport: 'memory' });

describe('key selection', () => {
  it('picks the only key, keeps a selection that is still there, and drops a gone one', () => {
    expect(chooseSelection([A])).toBe(A.id);
    expect(chooseSelection([A, B])).toBeUndefined();
    expect(chooseSelection([A, B], B.id)).toBe(B.id);
    expect(chooseSelection([A], B.id)).toBe(A.id);
    expect(chooseSelection([], A.id)).toBeUndefined();
  });

  it('refuses to select an id that is not attached', () => {
    const s = applyKeyList(initialKeysState, [A, B]);
    expect(selectKey(s, 'nope').selectedKeyId).toBeUndefined();
    expect(selectKey(s, B.id).selectedKeyId).toBe(B.id);
  });
});

describe('keys-changed events', () => {
  it('follows keys as they come and go, forgetting what was learnt about removed ones', () => {
    let s = applyKeyEvent(initialKeysState, { type: 'keys-changed', keys: [A], added: [A.id], removed: [] });
    expect(s.loaded).toBe(true);
    expect(s.selectedKeyId).toBe(A.id);
    s = setInfo(s, A.id, { status: 'ready', info: keyInfo(A) });
    expect(selectedKey(s).info?.model.name).toBe('YubiKey 5 NFC');

    s = applyKeyEvent(s, { type: 'keys-changed', keys: [A, B], added: [B.id], removed: [] });
    expect(s.keys.map((k) => k.id)).toEqual([A.id, B.id]);
    expect(s.selectedKeyId).toBe(A.id);
    expect(s.info[A.id]?.status).toBe('ready');

    s = applyKeyEvent(s, { type: 'keys-changed', keys: [B], added: [], removed: [A.id] });
    expect(s.selectedKeyId).toBe(B.id);
    expect(s.info[A.id]).toBeUndefined();
  });

  it('treats a key removed and added under the same path as new', () => {
    let s = applyKeyList(initialKeysState, [A]);
    s = setInfo(s, A.id, { status: 'ready', info: keyInfo(A) });
    s = applyKeyEvent(s, { type: 'keys-changed', keys: [A], added: [A.id], removed: [A.id] });
    expect(s.info[A.id]).toBeUndefined();
  });

  it('ignores info for a key that is not attached', () => {
    const s = setInfo(applyKeyList(initialKeysState, [A]), B.id, { status: 'loading' });
    expect(s.info[B.id]).toBeUndefined();
  });
});

describe('progress and demo events', () => {
  it('records touch-needed progress per key and clears it', () => {
    let s = applyKeyList(initialKeysState, [A]);
    s = applyKeyEvent(s, { type: 'progress', keyId: A.id, operation: 'touchTest', progress: { step: 'touch-needed' } });
    expect(s.progress[A.id]?.progress.step).toBe('touch-needed');
    s = clearProgress(s, A.id);
    expect(s.progress[A.id]).toBeUndefined();
  });

  it('tracks the demo key waiting for a touch, and stops when the demo key goes', () => {
    let s = applyKeyList(initialKeysState, [DEMO]);
    s = applyKeyEvent(s, { type: 'demo-touch-wait', waiting: true });
    expect(s.demoTouchWaiting).toBe(true);
    s = applyKeyEvent(s, { type: 'keys-changed', keys: [], added: [], removed: [DEMO.id] });
    expect(s.demoTouchWaiting).toBe(false);
  });

  it('leaves reset-status events to the reset state', () => {
    const s = applyKeyList(initialKeysState, [A]);
    expect(applyKeyEvent(s, { type: 'reset-status', status: { phase: 'unplug' } })).toBe(s);
  });
});

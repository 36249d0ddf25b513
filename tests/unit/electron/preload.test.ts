/** The preload (electron/preload/index.ts) with Electron's contextBridge and ipcRenderer faked. */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { SKM_METHODS } from '../../../electron/ipc-validation.js';

const exposed = new Map<string, any>();
const invoke = vi.fn(async (channel: string, ...args: unknown[]) => ({ ok: true, value: { channel, args } }));
const listeners = new Map<string, Set<(...a: any[]) => void>>();

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: {
    invoke: (...a: [string, ...unknown[]]) => invoke(...a),
    on: (channel: string, l: (...a: any[]) => void) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(l);
    },
    removeListener: (channel: string, l: (...a: any[]) => void) => listeners.get(channel)?.delete(l),
  },
}));

beforeAll(async () => {
  await import('../../../electron/preload/index.js');
});

describe('preload', () => {
  it('exposes exactly one function per contract method plus onEvent, under window.skm only', () => {
    expect([...exposed.keys()]).toEqual(['skm']);
    const api = exposed.get('skm');
    expect(Object.keys(api).sort()).toEqual([...SKM_METHODS, 'onEvent'].sort());
    for (const key of Object.keys(api)) expect(typeof api[key]).toBe('function');
    // Nothing that could reach ipcRenderer itself.
    expect(api.invoke).toBeUndefined();
    expect(api.send).toBeUndefined();
    expect(api.ipcRenderer).toBeUndefined();
  });

  it('invokes skm:<method> with exactly the given arguments', async () => {
    const api = exposed.get('skm');
    invoke.mockClear();
    await api.changePin('memory:a', '1234', '56789', '56789');
    await api.getAppState();
    await api.startReset('k', { confirmationToken: 't', understandsLoss: true, hasBackupSignIn: true });
    expect(invoke.mock.calls).toEqual([
      ['skm:changePin', 'memory:a', '1234', '56789', '56789'],
      ['skm:getAppState'],
      ['skm:startReset', 'k', { confirmationToken: 't', understandsLoss: true, hasBackupSignIn: true }],
    ]);
    for (const method of SKM_METHODS) {
      invoke.mockClear();
      await api[method]('a', 'b', 'c', 'd');
      expect(invoke.mock.calls[0]![0]).toBe(`skm:${method}`);
    }
  });

  it('onEvent passes only the event (never the IPC event object) and unsubscribes', () => {
    const api = exposed.get('skm');
    const got: unknown[] = [];
    const off = api.onEvent((e: unknown) => got.push(e));
    const ch = listeners.get('skm:event')!;
    expect(ch.size).toBe(1);
    const keyEvent = { type: 'demo-touch-wait', waiting: true };
    for (const l of ch) l({ sender: { secret: 'ipc' } }, keyEvent);
    expect(got).toEqual([keyEvent]);
    off();
    expect(ch.size).toBe(0);
    expect(typeof api.onEvent('not a function')).toBe('function');
  });
});

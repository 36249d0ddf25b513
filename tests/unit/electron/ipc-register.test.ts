/**
 * IPC registration (electron/ipc-register.ts) and the shared dispatch path (electron/ipc-dispatch.ts),
 * driven through a fake ipcMain exactly as Electron would call the handlers.
 */
import { describe, expect, it } from 'vitest';
import { CtapError } from '../../../src/errors.js';
import { CtapStatus } from '../../../src/ctap2/status.js';
import { UseCaseError } from '../../../src/usecases/use-case-error.js';
import { dispatch } from '../../../electron/ipc-dispatch.js';
import { createSenderCheck, forwardEvents, isAppUrl, registerHandlers, type InvokeEventLike } from '../../../electron/ipc-register.js';
import { SKM_METHODS } from '../../../electron/ipc-validation.js';
import { fakeService } from './fake-service.js';

const APP_URL = 'file:///opt/Security%20Key%20Manager/resources/app.asar/out/renderer/index.html';

function fakeIpcMain() {
  const handlers = new Map<string, (event: InvokeEventLike, ...args: any[]) => unknown>();
  return {
    handlers,
    handle(channel: string, listener: (event: InvokeEventLike, ...args: any[]) => unknown) {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, listener);
    },
    removeHandler(channel: string) {
      handlers.delete(channel);
    },
    /** What ipcRenderer.invoke(channel, ...args) would resolve to. */
    async invoke(channel: string, event: InvokeEventLike, ...args: unknown[]) {
      const h = handlers.get(channel);
      if (!h) throw new Error(`No handler registered for '${channel}'`);
      return h(event, ...args);
    },
  };
}

const fromApp: InvokeEventLike = { senderFrame: { url: APP_URL, parent: null } };

describe('registerHandlers', () => {
  it('registers skm:<method> for every contract method and nothing else; unregister removes them', () => {
    const ipc = fakeIpcMain();
    const unregister = registerHandlers(ipc, fakeService().service, { isTrustedSender: createSenderCheck(APP_URL) });
    expect([...ipc.handlers.keys()].sort()).toEqual(SKM_METHODS.map((m) => `skm:${m}`).sort());
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });

  it('calls the service with the validated arguments and answers {ok:true,value}', async () => {
    const ipc = fakeIpcMain();
    const fake = fakeService({ changePin: (keyId: string) => ({ retries: keyId === 'memory:a' ? 8 : 0 }) });
    registerHandlers(ipc, fake.service, { isTrustedSender: createSenderCheck(APP_URL) });
    const r = await ipc.invoke('skm:changePin', fromApp, 'memory:a', '1234', '98765', '98765');
    expect(r).toEqual({ ok: true, value: { retries: 8 } });
    expect(fake.calls).toEqual([{ method: 'changePin', args: ['memory:a', '1234', '98765', '98765'] }]);
  });

  it('turns thrown errors into {ok:false,error} with the plain ErrorInfo, never a rejection', async () => {
    const ipc = fakeIpcMain();
    const fake = fakeService({
      changePin: () => {
        throw new UseCaseError('WRONG_PIN', 'That PIN is not correct.', { retriesLeft: 2 });
      },
      touchTest: () => {
        throw new CtapError(CtapStatus.CTAP2_ERR_OPERATION_DENIED);
      },
      listKeys: () => {
        throw 'a string, not an Error';
      },
    });
    registerHandlers(ipc, fake.service, { isTrustedSender: () => true });
    const wrong = (await ipc.invoke('skm:changePin', fromApp, 'k', '1111', '22222', '22222')) as any;
    expect(wrong.ok).toBe(false);
    expect(wrong.error).toMatchObject({ code: 'WRONG_PIN', retriesLeft: 2 });
    const touch = (await ipc.invoke('skm:touchTest', fromApp, 'k')) as any;
    expect(touch).toMatchObject({ ok: false, error: { ctapStatus: CtapStatus.CTAP2_ERR_OPERATION_DENIED } });
    const odd = (await ipc.invoke('skm:listKeys', fromApp)) as any;
    expect(odd).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    // The envelope survives structured cloning (what IPC does): plain data only.
    expect(structuredClone(wrong)).toEqual(wrong);
  });

  it('rejects malformed and oversized arguments without touching the service', async () => {
    const ipc = fakeIpcMain();
    const fake = fakeService();
    registerHandlers(ipc, fake.service, { isTrustedSender: () => true });
    const attempts: [string, unknown[]][] = [
      ['skm:setPin', ['k', 'x'.repeat(257), 'x'.repeat(257)]],
      ['skm:setPin', ['k', '1234']],
      ['skm:setPin', ['k', '1234', '1234', 'extra']],
      ['skm:getKeyInfo', [{ id: 'k' }]],
      ['skm:pickByTouch', [Array.from({ length: 17 }, (_, i) => `k${i}`)]],
      ['skm:startReset', ['k', { confirmationToken: 't', understandsLoss: true, hasBackupSignIn: true, __proto__: { x: 1 }, extra: 1 }]],
      ['skm:updateSettings', ['k', '1234', { minPINLength: 1e9 }]],
      ['skm:openExternal', [42]],
    ];
    for (const [channel, args] of attempts) {
      const r = (await ipc.invoke(channel, fromApp, ...args)) as any;
      expect(r.ok, channel).toBe(false);
      expect(r.error.code).toBe('INVALID_ARGUMENT');
      expect(JSON.stringify(r)).not.toContain('xxxxxxxx');
    }
    expect(fake.calls).toEqual([]);
  });

  it('refuses calls from any frame but the app page, without touching the service', async () => {
    const ipc = fakeIpcMain();
    const fake = fakeService();
    registerHandlers(ipc, fake.service, { isTrustedSender: createSenderCheck(APP_URL) });
    const senders: InvokeEventLike[] = [
      { senderFrame: null },
      {},
      { senderFrame: { url: 'https://evil.example/', parent: null } },
      { senderFrame: { url: 'file:///tmp/other.html', parent: null } },
      { senderFrame: { url: APP_URL, parent: { url: APP_URL } } }, // a sub-frame
      { senderFrame: { url: 'about:blank', parent: null } },
    ];
    for (const event of senders) {
      const r = (await ipc.invoke('skm:listKeys', event)) as any;
      expect(r).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
    }
    // A sender check that throws counts as untrusted.
    const ipc2 = fakeIpcMain();
    registerHandlers(ipc2, fake.service, {
      isTrustedSender: () => {
        throw new Error('boom');
      },
    });
    expect(await ipc2.invoke('skm:listKeys', fromApp)).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
    expect(fake.calls).toEqual([]);
    // ...while the app page itself gets through (with hash and query ignored).
    const ok = await ipc.invoke('skm:listKeys', { senderFrame: { url: APP_URL + '?x=1#/pin', parent: null } });
    expect(ok).toEqual({ ok: true, value: undefined });
    expect(fake.calls).toHaveLength(1);
  });
});

describe('isAppUrl', () => {
  it('matches the same file for file:// builds and the same origin for the dev server', () => {
    expect(isAppUrl(APP_URL, APP_URL)).toBe(true);
    expect(isAppUrl(APP_URL.replace('index.html', 'other.html'), APP_URL)).toBe(false);
    expect(isAppUrl('file://evil.example/opt/Security%20Key%20Manager/resources/app.asar/out/renderer/index.html', APP_URL)).toBe(false);
    expect(isAppUrl('http://localhost:5173/src/x', 'http://localhost:5173/')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(isAppUrl('https://localhost:5173/', 'http://localhost:5173/')).toBe(false);
    expect(isAppUrl('not a url', APP_URL)).toBe(false);
    expect(isAppUrl(undefined, APP_URL)).toBe(false);
    expect(isAppUrl(APP_URL, 'chrome://settings')).toBe(false);
  });
});

describe('dispatch', () => {
  it('refuses names outside the contract, including prototype names', async () => {
    const fake = fakeService();
    for (const name of ['toString', '__proto__', 'constructor', 'close', 'onEvent', 42]) {
      const r = await dispatch(fake.service, name, []);
      expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    }
    expect(fake.calls).toEqual([]);
  });

  it('answers NOT_SUPPORTED when the service lacks a method instead of throwing', async () => {
    const r = await dispatch({} as never, 'listKeys', []);
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED' } });
  });
});

describe('forwardEvents', () => {
  it('sends service events on skm:event until unsubscribed, and skips destroyed windows', () => {
    const fake = fakeService();
    const sent: [string, unknown][] = [];
    let destroyed = false;
    const stop = forwardEvents(fake.service, { send: (c, e) => sent.push([c, e]), isDestroyed: () => destroyed });
    const event = { type: 'demo-touch-wait', waiting: true } as const;
    fake.emit(event);
    expect(sent).toEqual([['skm:event', event]]);
    destroyed = true;
    fake.emit(event);
    expect(sent).toHaveLength(1);
    stop();
    expect(fake.listenerCount()).toBe(0);
  });
});

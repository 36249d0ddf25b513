/**
 * The main-process composition (electron/main/index.ts) with Electron and the KeyService faked:
 * single-instance lock, one hardened window shown at ready-to-show, the contract registered with
 * the sender check, --demo, events forwarded, allow-listed links, the service closed on quit.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SKM_METHODS } from '../../../electron/ipc-validation.js';
import type { KeyEvent } from '../../../src/usecases/types.js';
import { fakeService, type FakeService } from './fake-service.js';

const mainDir = join(dirname(fileURLToPath(import.meta.url)), '../../../electron/main');
const rendererIndex = join(mainDir, '../renderer/index.html');

type Listener = (...args: any[]) => unknown;

function emitter() {
  const listeners = new Map<string, Listener[]>();
  return {
    listeners,
    on(event: string, l: Listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), l]);
      return this;
    },
    once(event: string, l: Listener) {
      return this.on(event, l);
    },
    emit(event: string, ...args: unknown[]) {
      for (const l of listeners.get(event) ?? []) l(...args);
    },
  };
}

const h = { state: undefined as any };

async function boot({ argv = ['electron', '.'], lock = true } = {}) {
  vi.resetModules();
  // Electron sets this on process; the packaged app keeps extraResources there.
  (process as { resourcesPath?: string }).resourcesPath = '/opt/Security Key Manager/resources';
  const fake: FakeService = fakeService({
    getOrgProfile: () => ({ source: 'default', profile: { portalUrl: 'https://portal.nhs.net', allowedHosts: ['portal.nhs.net'] } }),
  });
  const close = vi.fn(async () => undefined);
  const app = Object.assign(emitter(), {
    isPackaged: true,
    enableSandbox: vi.fn(),
    requestSingleInstanceLock: vi.fn(() => lock),
    quit: vi.fn(),
    getPath: vi.fn(() => '/home/user/.config/Security Key Manager'),
    whenReady: () => Promise.resolve(),
  });
  const windows: any[] = [];
  class BrowserWindow {
    static getAllWindows = () => windows;
    readonly events = emitter();
    readonly webContents = Object.assign(emitter(), { send: vi.fn(), isDestroyed: () => false, setWindowOpenHandler: vi.fn() });
    shown = false;
    loadFile = vi.fn(async () => undefined);
    loadURL = vi.fn(async () => undefined);
    constructor(readonly options: any) {
      windows.push(this);
    }
    once(e: string, l: Listener) {
      this.events.on(e, l);
    }
    on(e: string, l: Listener) {
      this.events.on(e, l);
    }
    show() {
      this.shown = true;
    }
    isMinimized() {
      return false;
    }
    focus() {}
  }
  const handlers = new Map<string, Listener>();
  const session = {
    request: undefined as any,
    check: undefined as any,
    headers: undefined as any,
    setPermissionRequestHandler: (f: any) => (session.request = f),
    setPermissionCheckHandler: (f: any) => (session.check = f),
    setDevicePermissionHandler: vi.fn(),
    webRequest: { onHeadersReceived: (f: any) => (session.headers = f) },
  };
  const shell = { openExternal: vi.fn(async () => undefined) };
  h.state = {
    service: Object.assign(fake.service, { close }),
    electron: {
      app,
      BrowserWindow,
      ipcMain: { handle: (c: string, l: Listener) => handlers.set(c, l), removeHandler: (c: string) => handlers.delete(c) },
      session: { defaultSession: session },
      shell,
    },
  };
  // Fresh fakes for every boot: doMock is not hoisted and replaces the previous registration.
  vi.doMock('electron', () => h.state.electron);
  vi.doMock('../../../src/usecases/key-service.js', () => ({
    createKeyService: (opts: unknown) => {
      h.state.serviceOptions = opts;
      return h.state.service;
    },
  }));
  const savedArgv = process.argv;
  process.argv = argv;
  try {
    await import('../../../electron/main/index.js');
  } finally {
    process.argv = savedArgv;
  }
  await new Promise((r) => setTimeout(r, 0)); // let whenReady() resolve
  return { app, windows, handlers, session, shell, fake, close, options: () => h.state.serviceOptions };
}

const fromApp = { senderFrame: { url: pathToFileURL(rendererIndex).href, parent: null } };

afterEach(() => {
  vi.resetModules();
});

describe('electron main', () => {
  it('quits at once when another instance holds the lock', async () => {
    const t = await boot({ lock: false });
    expect(t.app.quit).toHaveBeenCalled();
    expect(t.windows).toHaveLength(0);
    expect(t.handlers.size).toBe(0);
  });

  it('opens one sandboxed window on the built renderer, shown at ready-to-show', async () => {
    const t = await boot();
    expect(t.app.enableSandbox).toHaveBeenCalled();
    expect(t.windows).toHaveLength(1);
    const win = t.windows[0];
    expect(win.options.show).toBe(false);
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, devTools: false });
    expect(win.options.webPreferences.preload).toBe(join(mainDir, '../preload/index.js'));
    expect(win.loadFile).toHaveBeenCalledWith(rendererIndex);
    expect(win.loadURL).not.toHaveBeenCalled();
    expect(win.shown).toBe(false);
    win.events.emit('ready-to-show');
    expect(win.shown).toBe(true);
  });

  it('creates the service with the demo key off by default, on with --demo, state file in userData, the installed udev rule', async () => {
    const off = await boot();
    expect(off.options()).toMatchObject({ demo: { enabled: false, stateFile: join('/home/user/.config/Security Key Manager', 'demo-key.json') } });
    // Permission fixes name the udev rule where the installed app keeps it.
    expect(off.options()).toMatchObject({ udevRulePath: join('/opt/Security Key Manager/resources', 'linux', '70-security-key-manager.rules') });
    const on = await boot({ argv: ['electron', '.', '--demo', '--org-profile=/etc/skm.json'] });
    expect(on.options()).toMatchObject({ demo: { enabled: true }, orgProfilePath: '/etc/skm.json' });
  });

  it('registers the whole contract behind the sender check', async () => {
    const t = await boot();
    expect([...t.handlers.keys()].sort()).toEqual(SKM_METHODS.map((m) => `skm:${m}`).sort());
    expect(await t.handlers.get('skm:listKeys')!(fromApp)).toEqual({ ok: true, value: undefined });
    expect(await t.handlers.get('skm:listKeys')!({ senderFrame: { url: 'https://evil.example/', parent: null } })).toMatchObject({
      ok: false,
      error: { code: 'PERMISSION_DENIED' },
    });
    expect(t.fake.calls.map((c) => c.method)).toEqual(['listKeys']);
  });

  it('opens allow-listed links with the system browser and refuses the rest', async () => {
    const t = await boot();
    expect(await t.handlers.get('skm:openExternal')!(fromApp, 'https://portal.nhs.net/')).toEqual({ ok: true, value: undefined });
    expect(await t.handlers.get('skm:openExternal')!(fromApp, 'https://evil.example/')).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(t.shell.openExternal.mock.calls).toEqual([['https://portal.nhs.net/']]);
  });

  it('hardens the session and every new webContents', async () => {
    const t = await boot();
    const granted = vi.fn();
    t.session.request({}, 'media', granted);
    expect(granted).toHaveBeenCalledWith(false);
    expect(t.session.check({}, 'notifications')).toBe(false);
    const cb = vi.fn();
    t.session.headers({ url: pathToFileURL(rendererIndex).href, responseHeaders: {} }, cb);
    expect(cb.mock.calls[0]![0].responseHeaders['Content-Security-Policy'][0]).toContain("script-src 'self'");

    const contents = Object.assign(emitter(), { setWindowOpenHandler: vi.fn() });
    t.app.emit('web-contents-created', {}, contents);
    let prevented = false;
    contents.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'https://portal.nhs.net/');
    expect(prevented).toBe(true);
    const handler = contents.setWindowOpenHandler.mock.calls[0]![0];
    expect(handler({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });

  it('forwards service events to the window on skm:event', async () => {
    const t = await boot();
    const event: KeyEvent = { type: 'keys-changed', keys: [], added: [], removed: ['memory:a'] };
    t.fake.emit(event);
    expect(t.windows[0].webContents.send).toHaveBeenCalledWith('skm:event', event);
    t.windows[0].events.emit('closed');
    expect(t.fake.listenerCount()).toBe(0);
  });

  it('closes the service before quitting', async () => {
    const t = await boot();
    let prevented = false;
    t.app.emit('before-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(t.close).toHaveBeenCalledTimes(1);
    expect(t.app.quit).toHaveBeenCalledTimes(1);
    // The second before-quit (from app.quit) goes through.
    let again = false;
    t.app.emit('before-quit', { preventDefault: () => (again = true) });
    expect(again).toBe(false);
  });
});

/**
 * Electron main process: the composition root. One window, one KeyService, the IPC contract
 * registered through registerHandlers, and every hardening handler installed before the first
 * page loads. The pieces live in small modules with Electron passed in, so they are unit-tested.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BrowserWindow, app, ipcMain, session, shell } from 'electron';
import { UDEV_RULE_FILE } from '../../src/transport/udev-rule.js';
import { createKeyService } from '../../src/usecases/key-service.js';
import { CONTENT_SECURITY_POLICY } from '../csp.js';
import { createExternalOpener, withExternalOpener } from '../external-links.js';
import { hardenSession, installAppHardening } from '../hardening.js';
import { createSenderCheck, forwardEvents, registerHandlers } from '../ipc-register.js';
import { createWindowOptions } from '../window-options.js';
import { parseLaunchArgs } from './launch-args.js';

const launch = parseLaunchArgs(process.argv);
// electron-vite sets this for `electron-vite dev` only; packaged builds always load the file.
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const rendererIndex = join(__dirname, '../renderer/index.html');
const appUrl = devServerUrl ?? pathToFileURL(rendererIndex).href;

// Every renderer sandboxed, whatever a window asks for.
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  start();
}

function start(): void {
  let mainWindow: BrowserWindow | null = null;

  const baseService = createKeyService({
    demo: { stateFile: join(app.getPath('userData'), 'demo-key.json'), enabled: launch.demo },
    // electron-builder's extraResources puts the rule under resources/linux in an installed app.
    udevRulePath: app.isPackaged
      ? join(process.resourcesPath, 'linux', UDEV_RULE_FILE)
      : join(app.getAppPath(), 'resources', 'linux', UDEV_RULE_FILE),
    ...(launch.orgProfilePath ? { orgProfilePath: launch.orgProfilePath } : {}),
  });
  const openExternal = createExternalOpener({
    getProfile: async () => (await baseService.getOrgProfile()).profile,
    open: (url) => shell.openExternal(url),
  });
  const service = withExternalOpener(baseService, openExternal);

  installAppHardening(app, { openExternal });
  registerHandlers(ipcMain, service, { isTrustedSender: createSenderCheck(appUrl) });

  const createWindow = (): void => {
    const win = new BrowserWindow(createWindowOptions({ preloadPath: join(__dirname, '../preload/index.js'), devTools: !app.isPackaged }));
    mainWindow = win;
    win.once('ready-to-show', () => win.show());
    const stopEvents = forwardEvents(service, win.webContents);
    win.on('closed', () => {
      stopEvents();
      if (mainWindow === win) mainWindow = null;
    });
    if (devServerUrl) void win.loadURL(devServerUrl);
    else void win.loadFile(rendererIndex);
  };

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });

  let closing = false;
  app.on('before-quit', (event) => {
    if (closing) return;
    closing = true;
    // Release the keys (and save the demo key's state) before the process goes.
    event.preventDefault();
    void baseService
      .close()
      .catch(() => undefined)
      .finally(() => app.quit());
  });

  void app.whenReady().then(() => {
    hardenSession(session.defaultSession, { contentSecurityPolicy: devServerUrl ? null : CONTENT_SECURITY_POLICY });
    createWindow();
  });
}

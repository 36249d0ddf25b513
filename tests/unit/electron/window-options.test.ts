/** BrowserWindow options (electron/window-options.ts). */
import { describe, expect, it } from 'vitest';
import { createWindowOptions } from '../../../electron/window-options.js';
import { parseLaunchArgs } from '../../../electron/main/launch-args.js';

describe('createWindowOptions', () => {
  it('isolates and sandboxes the page, with no Node, no insecure content, no webview', () => {
    const o = createWindowOptions({ preloadPath: '/app/out/preload/index.js', devTools: false });
    expect(o.show).toBe(false);
    expect(o.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    expect(createWindowOptions({ preloadPath: 'p', devTools: true }).webPreferences?.devTools).toBe(true);
  });
});

describe('parseLaunchArgs', () => {
  it('reads --demo and --org-profile, ignoring everything else', () => {
    expect(parseLaunchArgs(['/usr/bin/electron', '.'])).toEqual({ demo: false });
    expect(parseLaunchArgs(['app', '--demo', '--no-sandbox'])).toEqual({ demo: true });
    expect(parseLaunchArgs(['app', '--org-profile=/etc/p.json'])).toEqual({ demo: false, orgProfilePath: '/etc/p.json' });
    expect(parseLaunchArgs(['app', '--org-profile', '/etc/p.json', '--demo'])).toEqual({ demo: true, orgProfilePath: '/etc/p.json' });
    expect(parseLaunchArgs(['app', '--demonstration', '--org-profile='])).toEqual({ demo: false });
  });
});

/**
 * The real desktop app in Electron (Playwright's _electron): the built out/ with its preload,
 * IPC registration and hardening. Runs where the Electron binary is installed
 * (require('electron') gives a path that exists); elsewhere every test is skipped with the reason.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, test, expect, type ElectronApplication, type Page } from '@playwright/test';
import { SKM_METHODS } from '../../electron/ipc-validation.js';
import { ROOT } from './build.js';

function findElectron(): { path?: string; reason?: string } {
  try {
    const p: unknown = require('electron');
    if (typeof p === 'string' && existsSync(p)) return { path: p };
    return { reason: `require('electron') gave ${String(p)}, which does not exist` };
  } catch (e) {
    return { reason: `the Electron binary is not installed here (${e instanceof Error ? e.message : String(e)})` };
  }
}

const binary = findElectron();
if (!binary.path) console.log(`[electron.spec] skipping the Electron launch tests: ${binary.reason}`);

test.describe('desktop app in Electron', () => {
  test.skip(!binary.path, binary.reason ?? '');
  test.describe.configure({ mode: 'serial' });

  let app: ElectronApplication;
  let page: Page;
  const configHome = mkdtempSync(join(tmpdir(), 'skm-e2e-'));
  const extraArgs = process.platform === 'linux' && process.getuid?.() === 0 ? ['--no-sandbox'] : []; // Chromium refuses root otherwise

  test.beforeAll(async () => {
    app = await electron.launch({
      executablePath: binary.path!,
      args: [ROOT, '--demo', ...extraArgs],
      cwd: ROOT,
      env: { ...process.env, XDG_CONFIG_HOME: configHome },
    });
    page = await app.firstWindow();
    await expect(page.getByRole('heading', { level: 1, name: 'Security keys' })).toBeVisible();
  });

  test.afterAll(async () => {
    await app?.close();
  });

  test('one window, isolated from Node, showing the app from its own file', async () => {
    expect(app.windows()).toHaveLength(1);
    expect(page.url()).toMatch(/^file:.*\/out\/renderer\/index\.html$/);
    const visible = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.isVisible()));
    expect(visible).toEqual([true]);
    // No Node in the page; contextBridge (which only works with context isolation) provided window.skm.
    expect(await page.evaluate(() => [typeof (globalThis as any).require, typeof (globalThis as any).process, typeof (window as any).skm])).toEqual(['undefined', 'undefined', 'object']);
  });

  test('the preload exposes exactly the contract', async () => {
    const keys = await page.evaluate(() => Object.keys((window as any).skm).sort());
    expect(keys).toEqual([...SKM_METHODS, 'onEvent'].sort());
    const state = await page.evaluate(() => (window as any).skm.getAppState());
    expect(state).toMatchObject({ ok: true, value: { demoMode: true } });
    const bad = await page.evaluate(() => (window as any).skm.setPin('x', 'p'.repeat(300), 'p'));
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  test('--demo starts with the demo key, whose touches are played on screen', async () => {
    await expect(page.getByTestId('demo-banner')).toBeVisible();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Touch test', exact: true }).click();
    await page.getByRole('button', { name: 'Test touch' }).click();
    await page.getByRole('button', { name: 'Touch the demo key' }).click();
    await expect(page.getByText('Touch received', { exact: true })).toBeVisible();
  });

  test('no new windows, no navigation away, no eval', async () => {
    const opened = await page.evaluate(() => window.open('https://example.com/') === null);
    expect(opened).toBe(true);
    await page.evaluate(() => {
      window.location.href = 'https://example.com/';
    });
    await page.waitForTimeout(300);
    expect(page.url()).toMatch(/^file:/);
    expect(app.windows()).toHaveLength(1);
    expect(await page.evaluate(() => {
      try {
        return eval('1 + 1');
      } catch {
        return 'blocked';
      }
    })).toBe('blocked');
    const permission = await page.evaluate(() => navigator.permissions.query({ name: 'notifications' as PermissionName }).then((p) => p.state));
    expect(permission).not.toBe('granted');
  });

  test('a second launch hands over to the running app and quits', async () => {
    // Same profile directory, so the same single-instance lock.
    const second = spawn(binary.path!, [ROOT, ...extraArgs], { cwd: ROOT, env: { ...process.env, XDG_CONFIG_HOME: configHome }, stdio: 'ignore' });
    const code = await new Promise<number | null | 'still running'>((resolve) => {
      const timer = setTimeout(() => resolve('still running'), 15_000);
      second.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    if (code === 'still running') second.kill('SIGKILL');
    expect(code).toBe(0);
    expect(app.windows()).toHaveLength(1);
  });
});

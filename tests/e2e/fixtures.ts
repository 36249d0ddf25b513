/**
 * Playwright fixtures: a fresh bridge process (own KeyService, own software keys) per test, its
 * test-only controls, a guard that fails the test on any page error or console error (CSP
 * violations included), and the screenshot + accessibility check run on every screen.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';
import { BRIDGE_BUNDLE, RENDERER_DIR, ROOT } from './build.js';

export type PresenceMode = 'approve' | 'deny' | 'manual' | 'never';

export interface BridgeLaunch {
  keys?: number;
  orgProfile?: string;
  presence?: PresenceMode;
  presenceTimeoutMs?: number;
}

export interface KeyState {
  id: string;
  pinSet: boolean;
  pinRetries: number;
  pluggedIn: boolean;
  credentials: number;
}

/** The running bridge: its URL and the hands of the user (test-only controls). */
export class BridgeHandle {
  constructor(
    readonly url: string,
    private readonly proc: ChildProcess,
  ) {}

  async control<T = Record<string, unknown>>(action: string, body: Record<string, unknown> = {}): Promise<T> {
    const res = await fetch(`${this.url}test/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await res.json()) as { ok: boolean; error?: string } & T;
    if (!res.ok || !json.ok) throw new Error(`bridge control ${action} failed: ${json.error ?? res.status}`);
    return json;
  }

  state(): Promise<{ keys: KeyState[]; opened: string[] }> {
    return this.control('state');
  }
  presence(mode: PresenceMode, key?: string) {
    return this.control('presence', { mode, key });
  }
  touch(key?: string) {
    return this.control('touch', { key });
  }
  refuse(key?: string) {
    return this.control('refuse', { key });
  }
  unplug(key?: string) {
    return this.control('unplug', { key });
  }
  plug(key?: string, lateByMs = 0) {
    return this.control('plug', { key, lateByMs });
  }
  addKey() {
    return this.control<{ id: string }>('add-key');
  }
  setPin(pin: string, key?: string) {
    return this.control('set-pin', { pin, key });
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    const exited = new Promise<void>((ok) => this.proc.once('exit', () => ok()));
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}

async function launchBridge(launch: BridgeLaunch): Promise<BridgeHandle> {
  const args = [BRIDGE_BUNDLE, '--renderer', RENDERER_DIR, '--exit-with-stdin', '--keys', String(launch.keys ?? 1)];
  if (launch.orgProfile) args.push('--org-profile', launch.orgProfile);
  if (launch.presence) args.push('--presence', launch.presence);
  if (launch.presenceTimeoutMs) args.push('--presence-timeout-ms', String(launch.presenceTimeoutMs));
  const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bridge did not start in time')), 20_000);
    proc.once('exit', (code) => reject(new Error(`bridge exited early (${code})`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve((JSON.parse(line) as { url: string }).url);
      } catch {
        reject(new Error(`unexpected bridge output: ${line}`));
      }
    });
  });
  return new BridgeHandle(url, proc);
}

export const test = base.extend<{ bridgeLaunch: BridgeLaunch; bridge: BridgeHandle; pageGuard: void }>({
  bridgeLaunch: [{}, { option: true }],
  bridge: async ({ bridgeLaunch }, use) => {
    const bridge = await launchBridge(bridgeLaunch);
    await use(bridge);
    await bridge.stop();
  },
  pageGuard: [
    async ({ page, bridge: _bridge }, use) => {
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (m) => {
        // Chromium's notice that a meta-tag CSP cannot carry frame-ancestors is not a violation
        // (the bridge and the app send that directive as a header).
        if (m.type() === 'error' && !/is ignored when delivered via a <meta> element/.test(m.text())) problems.push(`console error: ${m.text()}`);
      });
      await use();
      expect(problems, 'the page logged errors (CSP violations included)').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Open the app from the bridge and wait for the first screen. */
export async function openApp(page: Page, bridge: BridgeHandle): Promise<void> {
  await page.goto(bridge.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Security keys' })).toBeVisible();
}

/** Go to a screen through the sidebar and wait for its heading. */
export async function goTo(page: Page, nav: string, heading: string = nav): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: nav, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
}

/** Save a screenshot of the screen (tests/e2e/screenshots/<name>.png) and scan it with axe: no serious or critical findings. */
export async function checkScreen(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ROOT, 'tests/e2e/screenshots', `${name}.png`), fullPage: true });
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious, `accessibility findings on ${name}`).toEqual([]);
}

/** Call the contract from the page, exactly as the renderer does (window.skm). */
export function callApi<T = unknown>(page: Page, method: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(([m, a]) => (window as any).skm[m as string](...(a as unknown[])), [method, args] as const) as Promise<T>;
}

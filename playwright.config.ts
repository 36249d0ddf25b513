/**
 * End-to-end tests: the built renderer in a real Chromium, talking to the real KeyService with
 * software keys through the browser test bridge (tests/e2e/bridge); Electron itself where its
 * binary is installed (tests/e2e/electron.spec.ts). Build and bridge bundle: tests/e2e/global-setup.ts.
 */
import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

// The distribution's Chromium where there is one (Playwright's own browsers may not be downloadable).
const chromium = process.env.SKM_E2E_CHROMIUM ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './tests/e2e/global-setup.ts',
  outputDir: 'test-results',
  workers: 2,
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: 'list',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    browserName: 'chromium',
    viewport: { width: 1200, height: 860 },
    locale: 'en-GB',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      ...(chromium ? { executablePath: chromium } : {}),
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    },
  },
});

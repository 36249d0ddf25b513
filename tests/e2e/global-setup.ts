/** Before the end-to-end run: build the app if its output is stale, bundle the bridge, clear old screenshots. */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, bundleBridge, ensureAppBuilt } from './build.js';

export default async function globalSetup(): Promise<void> {
  ensureAppBuilt();
  await bundleBridge();
  const shots = join(ROOT, 'tests/e2e/screenshots');
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });
}

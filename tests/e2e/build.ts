/**
 * Builds what the end-to-end tests run: the app (electron-vite build, as `npm run build` does)
 * when its output is older than its sources, and the browser test bridge as one Node bundle.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

export const ROOT = resolve(__dirname, '../..');
export const RENDERER_DIR = join(ROOT, 'out/renderer');
export const BRIDGE_BUNDLE = join(ROOT, '.cache/e2e/bridge.mjs');

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Run electron-vite build unless out/ is newer than every source it is built from. */
export function ensureAppBuilt(): void {
  const output = join(RENDERER_DIR, 'index.html');
  const sources = ['renderer', 'src', 'electron', 'resources', 'electron.vite.config.ts', 'package.json'].map((p) => join(ROOT, p));
  const built = existsSync(output) ? statSync(output).mtimeMs : 0;
  if (built > 0 && built >= Math.max(...sources.map(newestMtime)) && existsSync(join(ROOT, 'out/preload/index.js'))) return;
  const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (run.status !== 0) throw new Error(`electron-vite build failed:\n${run.stdout}\n${run.stderr}`);
}

/** Bundle the bridge (fast); node_modules stay external and resolve from the project. */
export async function bundleBridge(): Promise<void> {
  await build({
    entryPoints: [join(ROOT, 'tests/e2e/bridge/main.ts')],
    outfile: BRIDGE_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
}

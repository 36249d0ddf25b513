// Manual use of the browser test bridge: bundles it (esbuild) and starts it.
//   node tests/e2e/bridge/serve.mjs --renderer out/renderer [--keys 2] [--presence manual]
// Build the app first (npm run build), then open the printed URL in a browser.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const outfile = `${root}.cache/e2e/bridge.mjs`;
await build({
  entryPoints: [`${root}tests/e2e/bridge/main.ts`],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
await import(pathToFileURL(outfile).href);

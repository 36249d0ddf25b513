#!/usr/bin/env node
/**
 * `npm run fuzz`: bundle the fuzz runner (tests/fuzz/run.ts) with esbuild so a million cases run
 * in plain Node at full speed (in a worker under a per-case watchdog), then run it:
 *   npm run fuzz -- --cases 1000000 --seconds 600 --seed 1 --save fuzz-findings
 */
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'node_modules', '.cache', 'skm-fuzz');
mkdirSync(outDir, { recursive: true });
const outfile = join(outDir, 'run.mjs');

await build({
  entryPoints: [join(root, 'tests', 'fuzz', 'run.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external', // cbor-x loads from node_modules, as in the app
  sourcemap: 'inline',
  logLevel: 'warning',
});

process.argv = [process.argv[0], outfile, ...process.argv.slice(2)];
await import(pathToFileURL(outfile).href);

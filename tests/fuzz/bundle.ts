/**
 * Bundle the fuzz runner (tests/fuzz/run.ts) into one ESM file that Node can load in a worker
 * thread. Shared by scripts/fuzz.mjs's full run and the in-suite sample and regression tests.
 * The bundle goes under node_modules/.cache so its bare imports (cbor-x) resolve as usual.
 */
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export async function bundleFuzzRunner(name = `run-${process.pid}`): Promise<string> {
  const outDir = join(root, 'node_modules', '.cache', 'skm-fuzz');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${name}.mjs`);
  await build({
    entryPoints: [join(root, 'tests', 'fuzz', 'run.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return outfile;
}

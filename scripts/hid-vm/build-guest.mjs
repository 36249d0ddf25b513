// Bundles the guest-side programs (TypeScript under tests/hid-vm/) into .cache/hid-vm/guest/*.cjs
// with esbuild, so the guest only runs `node file.cjs`. Native and binary-heavy packages stay
// external: the guest loads the project's own node_modules/node-hid addon through the shared root.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
export const GUEST_ENTRIES = ['guest-suite', 'key-process', 'unprivileged-check'];

/**
 * An import of a src module that does not exist becomes an empty module and is listed in
 * `missing`, so the host entry can refuse to run (and say which) instead of failing to bundle.
 */
function missingSrcAsEmpty(projectDir, missing) {
  const src = path.join(projectDir, 'src') + path.sep;
  return {
    name: 'missing-src-as-empty',
    setup(b) {
      b.onResolve({ filter: /^\.{1,2}\/.*\.js$/ }, (args) => {
        const target = path.resolve(args.resolveDir, args.path);
        if (!target.startsWith(src)) return undefined;
        const ts = target.replace(/\.js$/, '.ts');
        if (existsSync(ts) || existsSync(target) || existsSync(ts.replace(/\.ts$/, '.tsx'))) return undefined;
        missing.add(path.relative(projectDir, ts));
        return { path: ts, namespace: 'missing-src' };
      });
      b.onLoad({ filter: /.*/, namespace: 'missing-src' }, () => ({ contents: 'export {};', loader: 'js' }));
    },
  };
}

/** Returns { dir, files, missing } of the bundles; `missing` lists src modules that do not exist yet. */
export async function buildGuestPrograms(projectDir = ROOT) {
  const outdir = path.join(projectDir, '.cache', 'hid-vm', 'guest');
  const missing = new Set();
  await build({
    plugins: [missingSrcAsEmpty(projectDir, missing)],
    logOverride: { 'import-is-undefined': 'silent' },
    entryPoints: GUEST_ENTRIES.map((e) => path.join(projectDir, 'tests', 'hid-vm', `${e}.ts`)),
    outdir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'linked', // no parse cost at guest start; node --enable-source-maps uses it
    external: ['node-hid', 'cbor-x', 'cbor-extract'],
    logLevel: 'warning',
  });
  return { dir: outdir, files: GUEST_ENTRIES.map((e) => path.join(outdir, `${e}.cjs`)), missing: [...missing].sort() };
}

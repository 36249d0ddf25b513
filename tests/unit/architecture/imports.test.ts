/**
 * House rules that keep data flowing one way (UI -> IPC -> use case -> CTAP -> CTAPHID -> transport):
 * the engine in src/ never imports Electron, React or renderer code; exactly one file imports
 * node-hid and exactly one configures cbor-x.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|tsx|mts|cts|js|mjs|cjs)$/.test(name)) out.push(full);
  }
  return out;
}

/** Every module specifier a file imports, requires or dynamically imports. */
export function importsOf(source: string): string[] {
  const specs: string[] = [];
  const patterns = [
    /\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) specs.push(m[1]!);
  return specs;
}

const srcFiles = sourceFiles(join(root, 'src')).map((f) => ({ file: relative(root, f).split(sep).join('/'), source: readFileSync(f, 'utf8') }));

describe('import rules', () => {
  it('finds the engine sources', () => {
    expect(srcFiles.length).toBeGreaterThan(10);
  });

  it('src/ imports neither electron, react nor renderer code', () => {
    const offenders = srcFiles.flatMap(({ file, source }) =>
      importsOf(source)
        .filter((s) => /^(electron|react|react-dom|zustand)(\/|$)/.test(s) || /(^|\/)renderer(\/|$)/.test(s) || /(^|\.\.\/)electron\//.test(s))
        .map((s) => `${file} -> ${s}`),
    );
    expect(offenders).toEqual([]);
  });

  it('only src/transport/node-hid.ts imports node-hid', () => {
    const users = srcFiles.filter(({ source }) => importsOf(source).includes('node-hid')).map((f) => f.file);
    expect(users).toEqual(['src/transport/node-hid.ts']);
  });

  it('only src/cbor.ts imports cbor-x', () => {
    const users = srcFiles.filter(({ source }) => importsOf(source).some((s) => s.startsWith('cbor-x'))).map((f) => f.file);
    expect(users).toEqual(['src/cbor.ts']);
  });

  it('the import scanner sees every import form', () => {
    const sample = `import a from 'electron';\nimport 'react';\nconst x = await import('node-hid');\nconst y = require("cbor-x");\nexport { z } from './z.js';`;
    expect(importsOf(sample).sort()).toEqual(['./z.js', 'cbor-x', 'electron', 'node-hid', 'react'].sort());
  });
});

/** The built `skm` without a key: help, version, usage errors, exit codes, JSON error shape. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, json, root, skm, type Built } from './helpers.js';

let built: Built;
let cli: ReturnType<typeof skm>;

beforeAll(async () => {
  built = await buildCli();
  cli = skm(built);
});
afterAll(() => built?.cleanup());

describe('skm help and version', () => {
  it('--version prints the package version', async () => {
    const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`skm ${version}`);
    expect(json(await cli(['--version', '--json']))).toEqual({ version });
  });

  it('--help lists every command and the exit-code table', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['list', 'info', 'pin status|set|change', 'touch', 'wink', 'reset', 'credentials list', 'credentials delete', 'config min-pin-length', 'doctor', 'simulator']) {
      expect(r.stdout).toContain(c);
    }
    expect(r.stdout).toMatch(/Exit codes:\n\s+0 {2}Success/);
    expect(r.stdout).toContain(' 5  Wrong PIN');
    expect(r.stdout).toContain('--udp-listen HOST:PORT');
    expect((await cli([])).stdout).toBe(r.stdout);
  });

  it('per-command help', async () => {
    const r = await cli(['reset', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--yes-i-understand-this-erases-the-key');
    expect(r.stdout).toMatch(/erases EVERYTHING/);
    expect((await cli(['help', 'pin'])).stdout).toContain('one line per PIN');
    expect((await cli(['simulator', '--help'])).stdout).toContain('127.0.0.1:8111');
  });
});

describe('bad input: clear message, exit 2, nothing sent', () => {
  const cases: [string[], RegExp][] = [
    [['frobnicate'], /Unknown command "frobnicate"/],
    [['--udp', 'not-an-address', 'info'], /--udp expects HOST:PORT/],
    [['--simulator', 'config', 'min-pin-length', 'six'], /min-pin-length must be a whole number/],
    [['--simulator', 'credentials', 'delete', 'not-hex!'], /Credential id must be hexadecimal/],
    [['--simulator', 'pin'], /pin needs a subcommand/],
    [['info', '--nope'], /Unknown option "--nope"/],
  ];
  it.each(cases)('%j', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/Hint: Run "skm( \w+)? --help" for usage\./);
    expect(r.stdout).toBe('');
    const j = await cli([...args, '--json']);
    expect(j.code).toBe(2);
    expect(json(j).error.code).toBe('INVALID_ARGUMENT');
    expect(json(j).error.message).toMatch(message);
  });

  it('refuses a PIN on the command line without repeating it', async () => {
    const r = await cli(['--simulator', 'pin', 'set', '--pin', 'Cmdline-Marker-4711']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/PINs are never taken from the command line/);
    expect(r.stdout + r.stderr).not.toContain('Cmdline-Marker-4711');
  });
});

/**
 * The built `skm` against `--simulator`: an in-process software key, factory fresh on every run.
 * Covers list, info, pin status/set, touch, wink, reset (including the too-late path), config,
 * credentials and doctor, in human and JSON form, with their exit codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, json, run, skm, type Built } from './helpers.js';

let built: Built;
let sim: ReturnType<typeof skm>;

beforeAll(async () => {
  built = await buildCli();
  sim = skm(built, ['--simulator']);
});
afterAll(() => built?.cleanup());

describe('skm --simulator', () => {
  it('list: one software key, as a table and as {"keys": [...]}', async () => {
    const r = await sim(['list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ID\s+TRANSPORT\s+VID:PID\s+PRODUCT\s+SERIAL\n-+/);
    expect(r.stdout).toMatch(/memory:simulator\s+memory\s+[0-9a-f]{4}:[0-9a-f]{4}/);
    const j = json(await sim(['list', '--json']));
    expect(j.keys).toHaveLength(1);
    expect(j.keys[0]).toMatchObject({ id: 'memory:simulator', transport: 'memory', isDemo: false });
  });

  it('info: human summary and the KeyInfo JSON with spec-named getInfo fields', async () => {
    const r = await sim(['info']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Key\s+memory:simulator \(memory\)$/m);
    expect(r.stdout).toMatch(/^CTAP versions\s+.*FIDO_2_1/m);
    expect(r.stdout).toMatch(/^PIN\s+not set$/m);
    expect(r.stdout).toMatch(/^\s+clientPin\s+false\s+/m);
    const info = json(await sim(['info', '--json']));
    expect(info.kind).toBe('fido2');
    expect(info.key.id).toBe('memory:simulator');
    expect(info.ctapVersions).toContain('FIDO_2_1');
    expect(info.pin).toMatchObject({ isSet: false, blocked: false, minPINLength: 4 });
    expect(info.getInfo.versions).toContain('FIDO_2_1');
    expect(typeof info.getInfo.aaguid).toBe('string');
    expect(info.getInfo.options).toMatchObject({ rk: true, clientPin: false });
    expect(info.hid.capabilities).toMatchObject({ cbor: true, wink: true });
  });

  it('--device picks the key by id; an unknown id is exit 3', async () => {
    expect((await sim(['--device', 'memory:simulator', 'info', '--json'])).code).toBe(0);
    const r = await sim(['--device', 'memory:nope', 'info', '--json']);
    expect(r.code).toBe(3);
    expect(json(r).error).toMatchObject({ code: 'KEY_NOT_FOUND' });
    expect(json(r).error.hint).toContain('memory:simulator');
  });

  it('pin status, then pin set via stdin lines', async () => {
    expect(json(await sim(['pin', 'status', '--json']))).toMatchObject({ isSet: false, minPINLength: 4, maxPINLengthBytes: 63 });
    const r = await sim(['pin', 'set'], '135790\n135790\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PIN set\./);
    const j = await sim(['pin', 'set', '--json'], '135790\n135790\n');
    expect(j.code).toBe(0);
    expect(json(j)).toEqual({ retries: 8 });
  });

  it('pin set: mismatch is exit 12, too short is exit 12 with the minimum, missing line is exit 2', async () => {
    const mismatch = await sim(['pin', 'set', '--json'], '135790\n135791\n');
    expect(mismatch.code).toBe(12);
    expect(json(mismatch).error.code).toBe('PIN_MISMATCH');
    const short = await sim(['pin', 'set', '--json'], '12\n12\n');
    expect(short.code).toBe(12);
    expect(json(short).error).toMatchObject({ code: 'PIN_TOO_SHORT', minLength: 4 });
    const missing = await sim(['pin', 'set'], '135790\n');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Standard input ended before the answer to "New PIN again"/);
  });

  it('pin change and credentials on a key without a PIN: exit 13 with the next step', async () => {
    const change = await sim(['pin', 'change']);
    expect(change.code).toBe(13);
    expect(change.stderr).toMatch(/no PIN yet[\s\S]*skm pin set/);
    const creds = await sim(['credentials', 'list', '--json']);
    expect(creds.code).toBe(13);
    expect(json(creds).error.code).toBe('PIN_NOT_SET');
    const cfg = await sim(['config', 'always-uv', '--json']);
    expect(cfg.code).toBe(13);
  });

  it('touch and wink', async () => {
    const t = await sim(['touch']);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/Touch received/);
    expect(json(await sim(['touch', '--json']))).toEqual({ outcome: 'touched' });
    const w = await sim(['wink', '--json']);
    expect(w.code).toBe(0);
    expect(json(w)).toEqual({ ok: true });
  });

  it('reset: explains the loss, needs "yes" and RESET, walks unplug → replug → touch', async () => {
    const r = await sim(['reset'], 'yes\nRESET\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/The key was reset/);
    expect(r.stderr).toMatch(/Every sign-in stored on the key, including your organisation's registration/);
    expect(r.stderr).toMatch(/The PIN/);
    const steps = ['Unplug your key now.', 'Plug it back in.', 'Touch your key now.'].map((s) => r.stderr.indexOf(s));
    expect(steps.every((i) => i >= 0)).toBe(true);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    expect(r.stderr).toMatch(/Reset window closes in 10 s/);
  });

  it('reset: JSON result, and the flag instead of stdin answers', async () => {
    const r = await sim(['reset', '--json', '--yes-i-understand-this-erases-the-key']);
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({ phase: 'done', keyId: 'memory:simulator' });
  });

  it.each([
    ['no\n', 'no backup sign-in'],
    ['yes\nreset\n', 'wrong word'],
    ['', 'no answers'],
  ])('reset refused (%j, %s): exit 9 and nothing sent', async (input) => {
    const r = await sim(['reset', '--json'], input);
    expect(r.code).toBe(9);
    expect(json(r).error.code).toBe('RESET_NOT_CONFIRMED');
    expect(r.stderr).not.toMatch(/Unplug your key/);
  });

  it('reset too late (tiny reset window on the software key): exit 8 after the wizard retried', async () => {
    const r = await run(process.execPath, [built.cli, '--simulator', 'reset', '--yes-i-understand-this-erases-the-key', '--json'], {
      env: { ...process.env, SKM_SIMULATOR_RESET_WINDOW_MS: '0' },
    });
    expect(r.code).toBe(8);
    expect(json(r).error).toMatchObject({ code: 'RESET_TOO_LATE', ctapStatusName: 'CTAP2_ERR_NOT_ALLOWED' });
  });

  it('config on a key without a PIN, or on a U2F-only key, is refused before any PIN is asked', async () => {
    const noPin = await run(process.execPath, [built.cli, '--simulator', 'config', 'min-pin-length', '6', '--json']);
    expect(noPin.code).toBe(13);
    expect(json(noPin).error).toMatchObject({ code: 'PIN_NOT_SET', hint: 'Set one with "skm pin set".' });
    const u2f = await run(process.execPath, [built.cli, '--simulator', '--profile', 'u2f', 'config', 'always-uv', '--json']);
    expect(u2f.code).toBe(14);
    expect(json(u2f).error.code).toBe('U2F_ONLY');
  });

  it('a U2F-only key: info says so, pin set is exit 14', async () => {
    const info = json(await run(process.execPath, [built.cli, '--simulator', '--profile', 'u2f', 'info', '--json']));
    expect(info.kind).toBe('u2f-only');
    const r = await run(process.execPath, [built.cli, '--simulator', '--profile', 'u2f', 'pin', 'set'], { input: '135790\n135790\n' });
    expect(r.code).toBe(14);
  });

  it('doctor: a report of checks; exit 0 or 1 matches whether a check failed', async () => {
    const r = await sim(['doctor', '--json']);
    const report = json(r);
    expect(report.platform).toBe(process.platform);
    expect(report.checks.length).toBeGreaterThan(0);
    for (const c of report.checks) expect(['ok', 'warn', 'fail', 'skip']).toContain(c.status);
    expect(r.code).toBe(report.checks.some((c: { status: string }) => c.status === 'fail') ? 1 : 0);
    const human = await sim(['doctor']);
    expect(human.stdout).toMatch(/^Platform: /);
    expect(human.stdout).toMatch(/\[( ok |warn|FAIL|skip)\]/);
  });
});

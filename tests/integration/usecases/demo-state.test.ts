/**
 * A damaged demo-key state file (empty after a power cut, garbage, wrong shape, unreadable) must
 * not take the service down: real keys keep working, demo mode stays off with a clear error, and a
 * damaged file is set aside so the next switch-on starts a fresh demo key.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyEvent } from '../../../src/usecases/types.js';
import { MARKER_PIN, Rig, errorOf, until } from './helpers.js';

describe('a damaged demo state file', () => {
  let dir: string;
  let file: string;
  let rig: Rig;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'skm-demo-state-'));
    file = join(dir, 'demo-key.json');
  });
  afterEach(async () => {
    await rig.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function start(enabled: boolean) {
    rig = new Rig();
    const real = rig.addKey('real');
    const s = rig.start({ demo: { stateFile: file, enabled } });
    return { real, s };
  }

  const damagedCopies = () => readdirSync(dir).filter((f) => /^demo-key\.json\.damaged-[0-9TZ-]+$/.test(f));

  it.each([
    ['empty (a power cut mid-write)', ''],
    ['garbage', 'not json {'],
    ['JSON of the wrong shape', '{"version": 1, "pinRetries": "eight"}'],
  ])('%s, demo on at start: real keys still work; demo reports, sets the file aside, then starts fresh', async (_name, content) => {
    writeFileSync(file, content);
    const { real, s } = start(true);

    // The real key is listed and usable; demo mode is reported off.
    const keys = await s.listKeys();
    expect(keys.map((k) => k.id)).toEqual([real.path]);
    expect((await s.getAppState()).demoMode).toBe(false);
    await s.setPin(real.path, MARKER_PIN, MARKER_PIN);
    expect(real.key.snapshot().pinSet).toBe(true);
    // Switching demo off works too.
    await s.setDemoMode(false);
    expect((await s.listKeys()).map((k) => k.id)).toEqual([real.path]);
    // The demo controls say why demo mode is off.
    const touch = await errorOf(s.demoTouch());
    expect(touch.outcome).toBe('INVALID_STATE');
    expect(touch.message).toContain('its saved state is damaged');
    // Nothing was moved behind the user's back at start-up.
    expect(readdirSync(dir)).toEqual(['demo-key.json']);

    // Switching it on reports the damage clearly and sets the file aside, content intact.
    const e = await errorOf(s.setDemoMode(true));
    expect(e.outcome).toBe('INVALID_STATE');
    expect(e.message).toBe('The demo key could not start: its saved state is damaged.');
    expect(String(e.details.hint)).toMatch(/damaged-.*Switch demo mode on again/s);
    expect((await s.getAppState()).demoMode).toBe(false);
    const aside = damagedCopies();
    expect(aside).toHaveLength(1);
    expect(String(e.details.hint)).toContain(aside[0]);
    expect(readFileSync(join(dir, aside[0]!), 'utf8')).toBe(content);
    expect(readdirSync(dir)).not.toContain('demo-key.json');
    expect((await s.listKeys()).map((k) => k.id)).toEqual([real.path]);

    // The next switch-on starts a fresh demo key with a valid state file.
    await s.setDemoMode(true);
    expect((await s.getAppState()).demoMode).toBe(true);
    const now = await s.listKeys();
    expect(now).toHaveLength(2);
    const demo = now.find((k) => k.isDemo)!;
    expect(demo).toBeDefined();
    expect((await s.getKeyInfo(demo.id)).pin.isSet).toBe(false);
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(1);
    expect((await s.getKeyInfo(real.path)).pin.isSet).toBe(true);
    await s.demoTouch(); // demo controls work again
  });

  it('demo off at start, garbage file: setDemoMode(true) reports, then recovers', async () => {
    writeFileSync(file, '\u0000\u0000\u0000');
    const { real, s } = start(false);
    expect((await s.listKeys()).map((k) => k.id)).toEqual([real.path]);
    expect((await errorOf(s.setDemoMode(true))).message).toBe('The demo key could not start: its saved state is damaged.');
    await s.setDemoMode(true);
    expect((await s.listKeys()).some((k) => k.isDemo)).toBe(true);
  });

  it('a state file that cannot be read is not moved; demo reports it and the real keys keep working', async () => {
    mkdirSync(file); // reading a directory fails (EISDIR) even for a privileged user
    const { real, s } = start(true);
    expect((await s.listKeys()).map((k) => k.id)).toEqual([real.path]);
    for (let i = 0; i < 2; i++) {
      const e = await errorOf(s.setDemoMode(true));
      expect(e.outcome).toBe('INVALID_STATE');
      expect(e.message).toBe('The demo key could not start: its saved state cannot be read or written.');
      expect(String(e.details.hint)).toContain('demo-key.json');
    }
    expect(damagedCopies()).toEqual([]);
    expect((await s.getAppState()).demoMode).toBe(false);
    await s.setDemoMode(false);
    expect((await s.listKeys()).map((k) => k.id)).toEqual([real.path]);
  });

  it('watching keys still works when the demo key fails at start', async () => {
    writeFileSync(file, '');
    rig = new Rig();
    const s = rig.start({ demo: { stateFile: file, enabled: true } });
    const events: KeyEvent[] = [];
    s.onEvent((e) => events.push(e));
    const late = rig.addKey('late');
    await until(() => events.some((e) => e.type === 'keys-changed' && e.added.includes(late.path)), 2_000, 'keys-changed');
  });
});

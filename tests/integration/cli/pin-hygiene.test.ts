/**
 * PIN hygiene: a distinctive marker PIN, used as a new PIN, a wrong current PIN, a mismatching
 * confirmation and a too-long PIN, never appears in anything skm prints — human or JSON, stdout or
 * stderr, success or failure — nor in what the simulator prints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, skm, startSimulator, type Built, type RunResult, type RunningSimulator } from './helpers.js';

const MARKER = 'Qx7-Hygiene-Marker-9Z';
const GOOD = 'known-good-pin-42';

let built: Built;
let simulator: RunningSimulator;
let udp: ReturnType<typeof skm>;
let local: ReturnType<typeof skm>;
const seen: RunResult[] = [];

async function record(p: Promise<RunResult>): Promise<RunResult> {
  const r = await p;
  seen.push(r);
  return r;
}

beforeAll(async () => {
  built = await buildCli();
  simulator = await startSimulator(built);
  udp = skm(built, simulator.args);
  local = skm(built, ['--simulator']);
});
afterAll(async () => {
  await simulator?.stop();
  built?.cleanup();
});

describe('PIN hygiene', () => {
  it('the marker never appears in any output', async () => {
    for (const json of [[], ['--json']]) {
      // Set with the marker on a fresh in-process key (success), mismatch, too long.
      expect((await record(local(['pin', 'set', ...json], `${MARKER}\n${MARKER}\n`))).code).toBe(0);
      expect((await record(local(['pin', 'set', ...json], `${MARKER}\n${MARKER}x\n`))).code).toBe(12);
      const long = MARKER.repeat(4);
      expect((await record(local(['pin', 'set', ...json], `${long}\n${long}\n`))).code).toBe(12);
    }
    // A key with a known PIN over UDP: the marker as a wrong PIN for PIN change, passkeys and
    // settings (at most two in a row, then a right PIN, so the key does not lock), then as the new
    // PIN and back.
    expect((await record(udp(['pin', 'set'], `${GOOD}\n${GOOD}\n`))).code).toBe(0);
    for (const json of [[], ['--json']]) {
      expect((await record(udp(['pin', 'change', ...json], `${MARKER}\nsome-new-pin-1\nsome-new-pin-1\n`))).code).toBe(5);
      expect((await record(udp(['credentials', 'list', ...json], `${MARKER}\n`))).code).toBe(5);
      expect((await record(udp(['credentials', 'list', ...json], `${GOOD}\n`))).code).toBe(0);
      expect((await record(udp(['config', 'always-uv', ...json], `${MARKER}\n`))).code).toBe(5);
      expect((await record(udp(['credentials', 'list', ...json], `${GOOD}\n`))).code).toBe(0);
    }
    expect((await record(udp(['pin', 'change', '--json'], `${GOOD}\n${MARKER}\n${MARKER}\n`))).code).toBe(0);
    expect((await record(udp(['pin', 'change'], `${MARKER}\n${GOOD}\n${GOOD}\n`))).code).toBe(0);
    expect((await record(udp(['pin', 'change'], `${GOOD}\n${GOOD}\n${GOOD}\n`))).code).toBe(12); // same as current
    // Three wrong PINs in a row: the key wants a power cycle (PIN_AUTH_BLOCKED) — exit 6.
    expect((await record(udp(['pin', 'change'], `${MARKER}\nsome-new-pin-1\nsome-new-pin-1\n`))).code).toBe(5);
    expect((await record(udp(['pin', 'change', '--json'], `${MARKER}\nsome-new-pin-1\nsome-new-pin-1\n`))).code).toBe(5);
    const blocked = await record(udp(['pin', 'change', '--json'], `${MARKER}\nsome-new-pin-1\nsome-new-pin-1\n`));
    expect(blocked.code).toBe(6);
    expect(JSON.parse(blocked.stdout).error.code).toBe('PIN_TEMPORARILY_BLOCKED');
    const blockedHuman = await record(udp(['credentials', 'list'], `${MARKER}\n`));
    expect(blockedHuman.code).toBe(6);
    expect(blockedHuman.stderr).toMatch(/Unplug the key and plug it back in/);

    expect(seen.length).toBe(24);
    for (const r of seen) {
      expect(r.stdout).not.toContain(MARKER);
      expect(r.stderr).not.toContain(MARKER);
      expect(r.stdout + r.stderr).not.toContain(GOOD);
    }
    expect(simulator.stdout() + simulator.stderr()).not.toContain(MARKER);
  });
});

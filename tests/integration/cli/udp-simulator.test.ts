/**
 * The built `skm` against `skm simulator` over HID-over-UDP on ephemeral ports. The simulator
 * keeps its state between invocations, so this walks a key's life: set a PIN, wrong PIN, change
 * it, settings, passkeys (list, delete), and checks bad input leaves the key untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, json, skm, startSimulator, type Built, type RunningSimulator } from './helpers.js';
import { registerPasskey } from './passkey-fixture.js';

let built: Built;
let simulator: RunningSimulator;
let cli: ReturnType<typeof skm>;

const PIN1 = 'first-pin-2468';
const PIN2 = 'second-pin-1357';

beforeAll(async () => {
  built = await buildCli();
  simulator = await startSimulator(built);
  cli = skm(built, simulator.args);
});
afterAll(async () => {
  await simulator?.stop();
  built?.cleanup();
});

describe('skm over HID-over-UDP (skm simulator)', () => {
  it('the simulator reports where it listens', () => {
    expect(simulator.device.host).toBe('127.0.0.1');
    expect(simulator.device.port).toBeGreaterThan(0);
    expect(JSON.parse(simulator.stdout())).toMatchObject({ peer: { host: '127.0.0.1', port: simulator.hostPort }, profile: 'ctap21', state: null, manualTouch: false });
  });

  it('list and info', async () => {
    const list = json(await cli(['list', '--json']));
    expect(list.keys).toEqual([expect.objectContaining({ id: `udp:127.0.0.1:${simulator.device.port}`, transport: 'udp' })]);
    const info = await cli(['info', '--json']);
    expect(info.code).toBe(0);
    expect(json(info)).toMatchObject({ kind: 'fido2', pin: { isSet: false } });
  });

  it('pin set, then pin status shows 8 retries', async () => {
    const r = await cli(['pin', 'set'], `${PIN1}\n${PIN1}\n`);
    expect(r.code).toBe(0);
    expect(json(await cli(['pin', 'status', '--json']))).toMatchObject({ isSet: true, retries: 8, blocked: false });
    const again = await cli(['pin', 'set', '--json'], `${PIN2}\n${PIN2}\n`);
    expect(again.code).toBe(13);
    expect(json(again).error.code).toBe('PIN_ALREADY_SET');
  });

  it('wrong PIN: exit 5, plain message with the retries left, and the key counts it', async () => {
    const r = await cli(['pin', 'change'], `not-the-pin-1\n${PIN2}\n${PIN2}\n`);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^Error: That PIN is not correct\. 7 tries left\.$/m);
    const j = await cli(['pin', 'change', '--json'], `not-the-pin-2\n${PIN2}\n${PIN2}\n`);
    expect(j.code).toBe(5);
    expect(json(j).error).toMatchObject({ code: 'WRONG_PIN', retriesLeft: 6, ctapStatusName: 'CTAP2_ERR_PIN_INVALID' });
    expect(json(await cli(['pin', 'status', '--json'])).retries).toBe(6);
  });

  it('pin change with the right PIN resets the retries', async () => {
    const r = await cli(['pin', 'change', '--json'], `${PIN1}\n${PIN2}\n${PIN2}\n`);
    expect(r.code).toBe(0);
    expect(json(r)).toEqual({ retries: 8 });
    expect(json(await cli(['pin', 'status', '--json'])).retries).toBe(8);
  });

  it('touch and wink over UDP', async () => {
    expect(json(await cli(['touch', '--json']))).toEqual({ outcome: 'touched' });
    expect((await cli(['wink'])).code).toBe(0);
  });

  it('config: raise the minimum PIN length; lowering it is refused with nothing changed', async () => {
    const up = await cli(['config', 'min-pin-length', '6', '--json'], `${PIN2}\n`);
    expect(up.code).toBe(0);
    expect(json(up)).toMatchObject({ minPINLength: 6, forcePINChange: false });
    const down = await cli(['config', 'min-pin-length', '5', '--json'], `${PIN2}\n`);
    expect(down.code).toBe(2);
    expect(json(down).error.message).toMatch(/can only be raised/);
    expect(json(await cli(['pin', 'status', '--json']))).toMatchObject({ minPINLength: 6, retries: 8 });
  });

  it('config always-uv toggles, and a wrong PIN there is exit 5', async () => {
    const on = await cli(['config', 'always-uv', '--json'], `${PIN2}\n`);
    expect(on.code).toBe(0);
    expect(json(on).alwaysUv).toBe(true);
    const off = await cli(['config', 'always-uv', '--json'], `${PIN2}\n`);
    expect(json(off).alwaysUv).toBe(false);
    const wrong = await cli(['config', 'always-uv', '--json'], 'not-the-pin-3\n');
    expect(wrong.code).toBe(5);
    expect(json(await cli(['pin', 'change', '--json'], `${PIN2}\n${PIN1}\n${PIN1}\n`))).toEqual({ retries: 8 });
  });

  it('credentials list and delete', async () => {
    await registerPasskey(simulator.device, simulator.hostPort, PIN1, { id: 'example.org', name: 'Example' }, { name: 'alice@example.org', displayName: 'Alice' });
    await registerPasskey(simulator.device, simulator.hostPort, PIN1, { id: 'nhs.net', name: 'NHSmail' }, { name: 'bob@nhs.net', displayName: 'Bob' });
    const human = await cli(['credentials', 'list'], `${PIN1}\n`);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^SITE\s+USER\s+CREDENTIAL ID$/m);
    expect(human.stdout).toMatch(/^example\.org\s+alice@example\.org\s+[0-9a-f]+$/m);
    expect(human.stdout).toMatch(/2 passkeys stored/);
    const list = json(await cli(['credentials', 'list', '--json'], `${PIN1}\n`));
    expect(list.existingCount).toBe(2);
    const alice = list.sites.find((s: { rpId: string }) => s.rpId === 'example.org').passkeys[0];
    expect(alice.credentialId).toMatch(/^[0-9a-f]+$/);

    // An id that is not on the key: refused, nothing deleted.
    const missing = await cli(['credentials', 'delete', 'ab'.repeat(16), '--json'], `${PIN1}\n`);
    expect(missing.code).toBe(2);
    expect(json(missing).error.message).toMatch(/No passkey with credential id/);

    const del = await cli(['credentials', 'delete', alice.credentialId.toUpperCase(), '--json'], `${PIN1}\n`);
    expect(del.code).toBe(0);
    expect(json(del).existingCount).toBe(1);
    expect(json(del).sites.map((s: { rpId: string }) => s.rpId)).toEqual(['nhs.net']);

    const wrong = await cli(['credentials', 'list', '--json'], 'not-the-pin-4\n');
    expect(wrong.code).toBe(5);
    expect(json(await cli(['credentials', 'list', '--json'], `${PIN1}\n`)).existingCount).toBe(1);
  });

  it('bad input changes nothing on the key', async () => {
    const before = json(await cli(['info', '--json']));
    for (const args of [['config', 'min-pin-length', 'seven'], ['credentials', 'delete', 'zz'], ['pin', 'unset'], ['reset', '--force']]) {
      const r = await cli(args, `${PIN1}\nyes\nRESET\n`);
      expect(r.code, args.join(' ')).toBe(2);
    }
    const after = json(await cli(['info', '--json']));
    expect(after.pin).toEqual(before.pin);
    expect(after.remainingDiscoverableCredentials).toBe(before.remainingDiscoverableCredentials);
  });

  it('several keys: exit 4 listing them (here: --device naming a key that is not there is exit 3)', async () => {
    const r = await cli(['--device', 'udp:127.0.0.1:1', 'info', '--json']);
    expect(r.code).toBe(3);
    expect(json(r).error.hint).toContain(`udp:127.0.0.1:${simulator.device.port}`);
  });
});

describe('skm simulator process', () => {
  it('stops cleanly on SIGINT with exit 0', async () => {
    const other = await startSimulator(built, ['--profile', 'ctap20'], false);
    expect(other.stdout()).toMatch(/Software security key \(ctap20\) listening on udp 127\.0\.0\.1:\d+, sending to 127\.0\.0\.1:\d+\./);
    expect(other.stdout()).toMatch(/Touches are approved automatically/);
    expect(await other.stop('SIGINT')).toBe(0);
    expect(other.stderr()).toMatch(/Stopping the software key/);
  });

  it('--manual-touch: the host shows "Touch your key…"; Enter on the simulator touches, n refuses', async () => {
    const manual = await startSimulator(built, ['--manual-touch'], false);
    try {
      expect(manual.stdout()).toMatch(/press Enter here to touch it/);
      const waitForBlink = async (count: number) => {
        for (let i = 0; i < 200 && manual.stderr().split('The key is blinking').length - 1 < count; i++) await new Promise((r) => setTimeout(r, 25));
      };
      const touched = skm(built, manual.args)(['touch']);
      await waitForBlink(1);
      manual.child.stdin!.write('\n');
      const t = await touched;
      expect(t.code).toBe(0);
      expect(t.stderr).toContain('Touch your key…');
      expect(t.stdout).toMatch(/Touch received/);

      const refused = skm(built, manual.args)(['touch', '--json']);
      await waitForBlink(2);
      manual.child.stdin!.write('n\n');
      const r = await refused;
      expect(r.code).toBe(11);
      expect(json(r).error.code).toBe('TOUCH_REFUSED');
    } finally {
      await manual.stop();
    }
  });

  it('refuses a busy address', async () => {
    const r = await skm(built)(['simulator', '--listen', `127.0.0.1:${simulator.device.port}`, '--peer', '127.0.0.1:9']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/already in use/);
  });
});

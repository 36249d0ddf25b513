/**
 * Interop: Yubico's python-fido2 (the Debian python3-fido2 0.9 package) referees the software
 * authenticator over HID-over-UDP. Each scenario gets a fresh key on ephemeral ports; the referee
 * asks for power cycles, clock jumps and presence changes over a line protocol on stdio.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type PresencePolicy, SoftwareAuthenticator } from '../../src/authenticator/index.js';
import { serveUdp } from '../../src/transport/udp-server.js';
import { freeUdpPort as freePort } from '../support/free-udp-port.js';

const PYTHON = '/usr/bin/python3';
const REFEREE = fileURLToPath(new URL('./referee.py', import.meta.url));

function fido2Available(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import fido2, fido2.hid, fido2.ctap2; print(fido2.__version__)'], { encoding: 'utf8' });
  if (r.error) return `${PYTHON} cannot be run (${r.error.message})`;
  if (r.status !== 0) return `${PYTHON} cannot import fido2 (install python3-fido2)`;
  return undefined;
}

const skipReason = fido2Available();
if (skipReason) console.warn(`Skipping the python-fido2 interop suite: ${skipReason}`);


type Result = Record<string, unknown>;

/** Run one referee scenario against a fresh key; returns the referee's observations. */
async function referee(scenario: string, profile: 'ctap21' | 'u2f' = 'ctap21'): Promise<Result> {
  let clockOffset = 0;
  const key = new SoftwareAuthenticator({ profile, now: () => Date.now() + clockOffset, presenceTimeoutMs: 2000 });
  const hostPort = await freePort();
  const server = await serveUdp(key, { listen: { host: '127.0.0.1', port: 0 }, peer: { host: '127.0.0.1', port: hostPort } });
  try {
    const child = spawn(PYTHON, [REFEREE, '--device-port', String(server.address.port), '--host-port', String(hostPort), scenario], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const lines: string[] = [];
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const msg = JSON.parse(line) as { control?: string };
        if (msg.control !== undefined) {
          control(msg.control);
          child.stdin.write('ok\n');
        } else {
          lines.push(line);
        }
      }
    });
    const control = (request: string): void => {
      const [verb, arg, ms] = request.split(' ');
      if (verb === 'power-cycle') {
        key.unplug();
        key.plug();
      } else if (verb === 'advance') {
        clockOffset += Number(arg);
      } else if (verb === 'presence') {
        const policy = (arg === 'approve-after' ? { kind: arg, ms: Number(ms) } : { kind: arg }) as PresencePolicy;
        key.presence.setPolicy(policy);
      } else {
        throw new Error(`unknown control ${request}`);
      }
    };
    const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const last = lines.at(-1);
    if (!last) throw new Error(`referee printed nothing (exit ${exitCode}): ${stderr}`);
    const out = JSON.parse(last) as { result?: Result; error?: string; trace?: string };
    if (out.error) throw new Error(`referee failed: ${out.error}\n${out.trace ?? ''}`);
    return out.result!;
  } finally {
    await server.close();
  }
}

describe.skipIf(skipReason !== undefined)('python-fido2 referee over HID-over-UDP', () => {
  it.concurrent('getInfo, ping', async () => {
    const r = await referee('get-info');
    const info = r.info as Record<string, unknown>;
    expect(info.versions).toEqual(['U2F_V2', 'FIDO_2_0', 'FIDO_2_1']);
    expect(info.options).toEqual({
      rk: true,
      up: true,
      plat: false,
      clientPin: false,
      credMgmt: true,
      authnrCfg: true,
      setMinPINLength: true,
      pinUvAuthToken: true,
      makeCredUvNotRqd: true,
      alwaysUv: false,
    });
    expect(info.pin_uv_protocols).toEqual([2, 1]);
    expect(info.max_msg_size).toBe(1200);
    expect(info.min_pin_length).toBe(4);
    expect(info.force_pin_change).toBe(false);
    expect(info.firmware_version).toBe(0x050700);
    expect(info.remaining_disc_creds).toBe(25);
    expect(info.transports).toEqual(['usb']);
    expect(info.algorithms).toEqual([{ alg: -7, type: 'public-key' }]);
    expect(info.aaguid).toHaveLength(32);
    expect(r.capabilities).toBe(0x05);
    expect(r.ping).toBe('referee');
  });

  it.concurrent('sets a PIN', async () => {
    expect(await referee('set-pin')).toEqual({ before: false, after: true, retries: 8, token_len: 32, set_again: 'NOT_ALLOWED' });
  });

  it.concurrent('changes the PIN with protocol 1', async () => {
    expect(await referee('change-pin-1')).toEqual({ protocol: 1, old_pin: 'PIN_INVALID', new_pin: 'OK', wrong_current: 'PIN_INVALID', retries: 7 });
  });

  it.concurrent('changes the PIN with protocol 2', async () => {
    expect(await referee('change-pin-2')).toEqual({ protocol: 2, old_pin: 'PIN_INVALID', new_pin: 'OK', wrong_current: 'PIN_INVALID', retries: 7 });
  });

  it.concurrent('counts retries after a wrong PIN and restores them', async () => {
    expect(await referee('wrong-pin')).toEqual({ wrong: 'PIN_INVALID', after_wrong: 7, right: 'OK', after_right: 8 });
  });

  it.concurrent('blocks PIN entry after three wrong PINs until a power cycle', async () => {
    expect(await referee('auth-blocked')).toEqual({
      attempts: ['PIN_INVALID', 'PIN_INVALID', 'PIN_AUTH_BLOCKED'],
      blocked_right: 'PIN_AUTH_BLOCKED',
      retries_blocked: [5, true],
      retries_after_power_cycle: [5, false],
      recovered: 'OK',
      retries_recovered: 8,
    });
  });

  it.concurrent('blocks the PIN at zero retries until reset', async () => {
    expect(await referee('pin-blocked')).toEqual({
      codes: ['PIN_INVALID', 'PIN_INVALID', 'PIN_AUTH_BLOCKED', 'PIN_INVALID', 'PIN_INVALID', 'PIN_AUTH_BLOCKED', 'PIN_INVALID', 'PIN_BLOCKED'],
      right: 'PIN_BLOCKED',
      retries: 0,
      reset: 'OK',
      client_pin_after_reset: false,
    });
  });

  it.concurrent('forces a PIN change', async () => {
    expect(await referee('force-pin-change')).toEqual({
      force_pin_change: true,
      min_pin_length: 6,
      token: 'PIN_POLICY_VIOLATION',
      same_pin: 'PIN_POLICY_VIOLATION',
      too_short: 'PIN_POLICY_VIOLATION',
      changed: 'OK',
      token_after: 'OK',
      force_after: false,
    });
  });

  it.concurrent('resets inside the window only, and only with a touch', async () => {
    expect(await referee('reset')).toEqual({
      inside: 'OK',
      client_pin_after: false,
      outside: 'NOT_ALLOWED',
      denied: 'OPERATION_DENIED',
      client_pin_kept: true,
    });
  });

  it.concurrent('creates, signs with, enumerates and deletes discoverable credentials', async () => {
    const r = await referee('credentials');
    expect(r).toEqual({
      no_token: 'PIN_REQUIRED', // 0x36, python-fido2 0.9 still uses the CTAP 2.0 name of PUAT_REQUIRED
      verified: ['alice@example.org', 'bob@example.org'],
      flags: 0x05,
      meta: [2, 23],
      rps: ['example.org'],
      rp_hash_ok: true,
      names: ['alice@example.org', 'bob@example.org'],
      meta_after: [0, 25],
      rps_after: 'NO_CREDENTIALS',
    });
  });

  it.concurrent('answers authenticatorSelection after a touch, with UP_NEEDED keepalives', async () => {
    expect(await referee('selection')).toEqual({ ok: 'OK', keepalive: [2], denied: 'OPERATION_DENIED' });
  });

  it.concurrent('a U2F-only key registers and authenticates with verifiable signatures', async () => {
    expect(await referee('u2f', 'u2f')).toEqual({
      version: 'U2F_V2',
      cbor: false,
      user_presence: 1,
      counter: 1,
      key_handle_len: 61,
      check_only: '0x6985',
      other_app: '0x6a80',
    });
  });
});

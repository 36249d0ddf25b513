/**
 * PIN hygiene (CTAP 2.1 §6.5.5: the PIN only ever leaves the host encrypted, as newPinEnc or
 * pinHashEnc). Every PIN flow runs with distinctive marker PINs, and the marker, its UTF-8 bytes
 * (hex, base64, base64url), its escaped JSON form and its LEFT(SHA-256, 16) hash must appear
 * nowhere: console and stdout/stderr, results, JSON output, support reports, events, error
 * messages, error causes. The engine's PIN-derived buffers (padded PIN, PIN hash, shared secret)
 * must be zero once a call returns, and PinUvAuthToken.destroy() must zero the token.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SoftwareAuthenticator } from '../../../src/authenticator/index.js';
import { ClientPin, Permission } from '../../../src/ctap2/client-pin.js';
import { PinUvAuthProtocolOne, PinUvAuthProtocolTwo } from '../../../src/pin/protocol.js';
import { InMemoryProvider } from '../../../src/transport/in-memory.js';
import { createKeyService, toErrorInfo } from '../../../src/usecases/key-service.js';
import type { KeyEvent } from '../../../src/usecases/types.js';
import { connect, newKey } from './rig.js';

const MARKER = 'Zq7#Marker-9x';
/** Non-ASCII, typed in decomposed form (NFD) so the NFC the engine sends differs from the input. */
const MARKER_UNICODE = 'Zq7#Ma\u0308rker-n\u03039x\u{1F511}';
const MARKERS = [MARKER, MARKER_UNICODE];

/** Every form a leaked PIN could take in text. */
function leakForms(pin: string): string[] {
  const out = new Set<string>();
  for (const s of new Set([pin, pin.normalize('NFC'), pin.normalize('NFD')])) {
    const b = Buffer.from(s, 'utf8');
    const h = createHash('sha256').update(b).digest().subarray(0, 16);
    for (const bytes of [b, h]) {
      out.add(bytes.toString('hex'));
      out.add(bytes.toString('hex').toUpperCase());
      out.add(bytes.toString('base64').replace(/=+$/, ''));
      out.add(bytes.toString('base64url'));
      out.add([...bytes].join(',')); // a Uint8Array printed as a list
    }
    out.add(s);
    out.add(JSON.stringify(s).slice(1, -1));
    // Core of the marker without its punctuation, in case a formatter splits it.
    out.add(s.slice(4, 11));
  }
  return [...out];
}

const FORMS = MARKERS.flatMap((m) => leakForms(m).map((f) => ({ marker: m, form: f })));

function leaks(text: string): string[] {
  return FORMS.filter(({ form }) => text.includes(form)).map(({ marker, form }) => `${JSON.stringify(marker)} as ${JSON.stringify(form)}`);
}

/** Everything an error exposes: message, stack, ErrorInfo, own fields, causes. */
function errorText(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur !== undefined && depth < 5; depth++) {
    if (cur instanceof Error) {
      parts.push(String(cur), cur.stack ?? '', JSON.stringify({ ...cur }));
      cur = (cur as { cause?: unknown }).cause;
    } else {
      parts.push(String(cur));
      cur = undefined;
    }
  }
  parts.push(JSON.stringify(toErrorInfo(e)));
  return parts.join('\n');
}

/** Capture console.* and process.stdout/stderr writes while `fn` runs. */
async function captureOutput<T>(fn: () => Promise<T>): Promise<{ value: T; output: string }> {
  const chunks: string[] = [];
  const spies = [
    ...(['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void chunks.push(args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' '))),
    ),
    vi.spyOn(process.stdout, 'write').mockImplementation(((c: string | Uint8Array) => (chunks.push(String(c)), true)) as typeof process.stdout.write),
    vi.spyOn(process.stderr, 'write').mockImplementation(((c: string | Uint8Array) => (chunks.push(String(c)), true)) as typeof process.stderr.write),
  ];
  try {
    const value = await fn();
    return { value, output: chunks.join('\n') };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? Buffer.from(x).toString('hex') : typeof x === 'bigint' ? String(x) : x));
  } catch {
    return String(v);
  }
}

afterEach(() => vi.restoreAllMocks());

describe('leak detector', () => {
  it('finds each marker in each encoded form (so a clean result means something)', () => {
    for (const m of MARKERS) {
      const b = Buffer.from(m.normalize('NFC'));
      expect(leaks(`x${m}y`)).not.toEqual([]);
      expect(leaks(b.toString('hex'))).not.toEqual([]);
      expect(leaks(b.toString('base64'))).not.toEqual([]);
      expect(leaks(createHash('sha256').update(b).digest().subarray(0, 16).toString('hex'))).not.toEqual([]);
    }
    expect(leaks('PIN set. The key allows 8 wrong attempts before it locks.')).toEqual([]);
  });
});

describe('engine: PIN-derived buffers are zeroed', () => {
  /** Record the plaintexts and keys passed to encrypt/authenticate; they must all be zero afterwards. */
  function spyBuffers(): { plaintexts: Uint8Array[]; keys: Uint8Array[] } {
    const plaintexts: Uint8Array[] = [];
    const keys: Uint8Array[] = [];
    for (const proto of [PinUvAuthProtocolOne.prototype, PinUvAuthProtocolTwo.prototype]) {
      const encrypt = proto.encrypt;
      vi.spyOn(proto, 'encrypt').mockImplementation(function (this: PinUvAuthProtocolOne, key, pt, iv) {
        // Host side only: the software key in the same process encrypts its token with these classes too.
        if (/ctap2[\\/]client-pin/.test(new Error().stack ?? '')) {
          keys.push(key);
          plaintexts.push(pt);
        }
        return encrypt.call(this, key, pt, iv);
      });
    }
    return { plaintexts, keys };
  }

  const allZero = (b: Uint8Array) => b.length > 0 && b.every((x) => x === 0);

  it.each(MARKERS.map((m) => [JSON.stringify(m), m] as const))('setPin, changePin, getPinToken with %s', async (_n, marker) => {
    const key = newKey();
    const s = await connect(key);
    const seen = spyBuffers();
    const cp = new ClientPin(s.ctap2);
    await cp.setPin(marker);
    await s.ctap2.refreshInfo();
    await cp.changePin(marker, `${marker}2`);
    const token = await cp.getPinUvAuthTokenUsingPinWithPermissions(`${marker}2`, Permission.CM);
    // Wrong current PIN: the error path must clean up too.
    await expect(cp.changePin(marker, `${marker}3`)).rejects.toMatchObject({ statusName: 'CTAP2_ERR_PIN_INVALID' });
    // setPin: 1 (paddedPin); changePin: 2 (pinHash, paddedPin) twice; token: 1 (pinHash).
    expect(seen.plaintexts.length).toBe(6);
    expect(seen.plaintexts.filter((p) => !allZero(p)).map((p) => p.length)).toEqual([]);
    expect(seen.keys.filter((k) => !allZero(k)).map((k) => k.length)).toEqual([]);
    // The token itself: live until destroyed, then zero.
    expect(allZero(token.token)).toBe(false);
    token.destroy();
    expect(allZero(token.token)).toBe(true);
    await s.device.close();
  });
});

describe('use cases: KeyService never exposes a PIN', () => {
  it.each(MARKERS.map((m) => [JSON.stringify(m), m] as const))('every PIN flow with %s', async (_n, marker) => {
    const provider = new InMemoryProvider();
    const key = new SoftwareAuthenticator({ presence: { kind: 'approve' } });
    const id = provider.add({ device: key, descriptor: { name: 'hygiene', vendorId: 0x1209, productId: 0x5c21, product: 'Hygiene key' } });
    const svc = createKeyService({ usb: false, extraProviders: [provider], pollIntervalMs: 50 });
    const events: KeyEvent[] = [];
    svc.onEvent((e) => events.push(e));
    const second = `${marker}-2`;
    const texts: string[] = [];
    const outcomes: string[] = [];
    const step = async (name: string, fn: () => Promise<unknown>) => {
      try {
        const v = await fn();
        texts.push(safeJson(v));
        outcomes.push(`${name}: ok`);
      } catch (e) {
        texts.push(errorText(e));
        outcomes.push(`${name}: ${toErrorInfo(e).code}`);
      }
    };
    const { output } = await captureOutput(async () => {
      await step('set mismatch', () => svc.setPin(id, marker, `${marker}x`));
      await step('set too long', () => svc.setPin(id, marker.repeat(6), marker.repeat(6)));
      await step('set', () => svc.setPin(id, marker, marker));
      await step('set again', () => svc.setPin(id, marker, marker));
      await step('info', () => svc.getKeyInfo(id));
      await step('change wrong current', () => svc.changePin(id, `${marker}-wrong`, second, second));
      await step('change same', () => svc.changePin(id, marker, marker, marker));
      await step('change', () => svc.changePin(id, marker, second, second));
      await step('passkeys wrong pin', () => svc.listPasskeys(id, marker));
      await step('passkeys', async () => {
        const r = await svc.listPasskeys(id, second);
        await svc.closePasskeys(r.session);
        return r;
      });
      await step('settings', () => svc.updateSettings(id, second, { minPINLength: 6 }));
      await step('preview reset', () => svc.previewReset(id, second));
      await step('support report', () => svc.getSupportReport(id));
    });
    await svc.close();
    // The flows really ran (a broken setup must not pass as "no leak").
    expect(outcomes).toEqual([
      'set mismatch: PIN_MISMATCH',
      'set too long: PIN_TOO_LONG',
      'set: ok',
      'set again: PIN_ALREADY_SET',
      'info: ok',
      'change wrong current: WRONG_PIN',
      'change same: PIN_SAME_AS_CURRENT',
      'change: ok',
      'passkeys wrong pin: WRONG_PIN',
      'passkeys: ok',
      'settings: ok',
      'preview reset: ok',
      'support report: ok',
    ]);
    expect(events.length).toBeGreaterThan(0);
    const all = [output, ...texts, safeJson(events)].join('\n');
    expect(leaks(all)).toEqual([]);
  });
});

/** The built CLI (scripts/build-cli.mjs into a scratch folder under node_modules/.cache). */
let cli: string;
const root = fileURLToPath(new URL('../../..', import.meta.url));

beforeAll(async () => {
  // node_modules/.cache does not exist in a fresh checkout until something creates it.
  mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
  const outdir = mkdtempSync(join(root, 'node_modules', '.cache', 'skm-hygiene-cli-'));
  await run(process.execPath, [join(root, 'scripts', 'build-cli.mjs'), '--outdir', outdir, '--quiet', '--no-cache'], '');
  cli = join(outdir, 'skm.cjs');
}, 60_000);

function run(cmd: string, args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: tmpdir(), env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
    p.stdin.end(input);
  });
}

describe('CLI: skm --simulator never prints a PIN', () => {
  const flows = (m: string) => [
    { name: 'pin set', args: ['pin', 'set'], input: `${m}\n${m}\n`, expectOk: true },
    { name: 'pin set mismatch', args: ['pin', 'set'], input: `${m}\n${m}x\n`, expectOk: false },
    { name: 'pin set too long', args: ['pin', 'set'], input: `${m.repeat(6)}\n${m.repeat(6)}\n`, expectOk: false },
    { name: 'pin change (no PIN yet)', args: ['pin', 'change'], input: `${m}\n${m}-2\n${m}-2\n`, expectOk: false },
    { name: 'credentials list (no PIN yet)', args: ['credentials', 'list'], input: `${m}\n`, expectOk: false },
    { name: 'config min-pin-length (no PIN yet)', args: ['config', 'min-pin-length', '8'], input: `${m}\n`, expectOk: false },
  ];
  const cases = MARKERS.flatMap((m) => [false, true].flatMap((json) => flows(m).map((f) => ({ ...f, json, marker: m }))));

  it(`${cases.length} runs, human and --json output`, async () => {
    const results = await Promise.all(
      cases.map(async (c) => {
        const r = await run(process.execPath, [cli, ...c.args, '--simulator', ...(c.json ? ['--json'] : [])], c.input);
        return { c, r };
      }),
    );
    const problems: string[] = [];
    for (const { c, r } of results) {
      const label = `${c.name}${c.json ? ' --json' : ''} (${JSON.stringify(c.marker)})`;
      if ((r.code === 0) !== c.expectOk) problems.push(`${label}: exit ${r.code}: ${r.stderr.slice(0, 200)}`);
      if (c.json && r.stdout.trim()) {
        try {
          JSON.parse(r.stdout);
        } catch {
          problems.push(`${label}: stdout is not JSON`);
        }
      }
      for (const l of leaks(`${r.stdout}\n${r.stderr}`)) problems.push(`${label}: leaked ${l}`);
    }
    expect(problems).toEqual([]);
  }, 60_000);
});

describe('app bridge: the IPC contract over HTTP never returns a PIN', () => {
  it.each(MARKERS.map((m) => [JSON.stringify(m), m] as const))('PIN flows with %s', async (_n, marker) => {
    const { startBridge } = await import('../../e2e/bridge/server.js');
    const bridge = await startBridge({ rendererDir: tmpdir(), keys: 1, presence: 'approve' });
    const origin = new URL(bridge.url).origin;
    const eventsAbort = new AbortController();
    let eventText = '';
    const eventsDone = fetch(`${origin}/api/events`, { headers: { Origin: origin }, signal: eventsAbort.signal })
      .then(async (res) => {
        const reader = res.body!.getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          eventText += Buffer.from(value).toString('utf8');
        }
      })
      .catch(() => undefined);
    const call = async (method: string, ...args: unknown[]) => {
      const res = await fetch(`${origin}/api/${method}`, { method: 'POST', headers: { Origin: origin, 'Content-Type': 'application/json' }, body: JSON.stringify(args) });
      return (await res.text()) as string;
    };
    try {
      const keys = JSON.parse(await call('listKeys')) as { ok: boolean; value: { id: string }[] };
      expect(keys.ok).toBe(true);
      const id = keys.value[0]!.id;
      const second = `${marker}-2`;
      const bodies = [
        await call('setPin', id, marker, `${marker}x`),
        await call('setPin', id, marker, marker),
        await call('changePin', id, `${marker}-wrong`, second, second),
        await call('changePin', id, marker, second, second),
        await call('listPasskeys', id, marker),
        await call('listPasskeys', id, second),
        await call('updateSettings', id, second, { minPINLength: 6 }),
        await call('previewReset', id, second),
        await call('getSupportReport', id),
      ];
      const ok = bodies.map((b) => (JSON.parse(b) as { ok: boolean }).ok);
      expect(ok).toEqual([false, true, false, true, false, true, true, true, true]);
      await new Promise((r) => setTimeout(r, 100));
      expect(leaks([...bodies, eventText].join('\n'))).toEqual([]);
      expect(eventText).toContain('data:');
    } finally {
      eventsAbort.abort();
      await eventsDone;
      await bridge.close();
    }
  });
});

/**
 * Fault matrix: every key operation against every fault the software key can inject (CTAP 2.1
 * §11.2 transport faults; §6.5.5 PIN state; §6.6 reset; §6.8 credential management). Each cell
 * asserts: the engine ends with success or a typed SkmError within its time budget, the key can
 * be used again (same channel where it survived, a fresh one after replug), and the key's state is
 * what the spec allows: a PIN changed entirely or not at all, no PIN retry spent that the user
 * did not spend, credentials and reset all-or-nothing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { SoftwareAuthenticator } from '../../../src/authenticator/index.js';
import { ClientPin, Permission } from '../../../src/ctap2/client-pin.js';
import { CredentialManagement } from '../../../src/ctap2/credential-management.js';
import { getInfo } from '../../../src/ctap2/get-info.js';
import { reset } from '../../../src/ctap2/reset.js';
import { selection } from '../../../src/ctap2/selection.js';
import type { CallOptions } from '../../../src/ctaphid/device.js';
import { CtapError, SkmError } from '../../../src/errors.js';
import { FAST, RP_ID, type Session, connect, newKey, pool, provision, sleep } from './rig.js';

const OLD_PIN = 'Old#Pin-4821';
const NEW_PIN = 'New#Pin-7390';
/** Budget of one engine call in the matrix. */
const CALL_MS = 500;
/** No operation may take longer than this, whatever the fault (a few calls plus CANCEL grace). */
const BOUND_MS = 3_000;

type Fault = 'unplug' | 'drop' | 'duplicate' | 'corrupt' | 'stall' | 'busy' | 'keepalive' | 'cancel';
const FAULTS: Fault[] = ['unplug', 'drop', 'duplicate', 'corrupt', 'stall', 'busy', 'keepalive', 'cancel'];
/** What a fault must end in when it cannot be absorbed. */
const EXPECTED_CODE: Partial<Record<Fault, string>> = { stall: 'TIMEOUT', busy: 'DEVICE_BUSY', keepalive: 'TIMEOUT', cancel: 'CANCELLED' };

interface Op {
  name: string;
  /** PIN on the key before the operation, and discoverable credentials. */
  pin?: string;
  credentials: number;
  /** Waits for user presence (cancel then waits on a touch that never comes). */
  userPresence: boolean;
  run(s: Session, o: CallOptions): Promise<unknown>;
}

const OPS: Op[] = [
  { name: 'getInfo', pin: OLD_PIN, credentials: 0, userPresence: false, run: (s, o) => s.ctap2.refreshInfo(o) },
  { name: 'set PIN', credentials: 0, userPresence: false, run: (s, o) => new ClientPin(s.ctap2).setPin(NEW_PIN, o) },
  { name: 'change PIN', pin: OLD_PIN, credentials: 0, userPresence: false, run: (s, o) => new ClientPin(s.ctap2).changePin(OLD_PIN, NEW_PIN, o) },
  { name: 'touch test', pin: OLD_PIN, credentials: 0, userPresence: true, run: (s, o) => selection(s.ctap2, o) },
  { name: 'reset', pin: OLD_PIN, credentials: 1, userPresence: true, run: (s, o) => reset(s.ctap2, o) },
  {
    name: 'enumerate',
    pin: OLD_PIN,
    credentials: 2,
    userPresence: false,
    run: async (s, o) => {
      const token = await new ClientPin(s.ctap2).getToken(OLD_PIN, Permission.CM, undefined, o);
      try {
        const cm = new CredentialManagement(s.ctap2, token);
        const rps = await cm.enumerateRps(o);
        for (const rp of rps) await cm.enumerateCredentials(rp.rpIdHash, o);
      } finally {
        token.destroy();
      }
    },
  },
  {
    name: 'delete',
    pin: OLD_PIN,
    credentials: 2,
    userPresence: false,
    run: async (s, o) => {
      const token = await new ClientPin(s.ctap2).getToken(OLD_PIN, Permission.CM, undefined, o);
      try {
        const cm = new CredentialManagement(s.ctap2, token);
        const [rp] = await cm.enumerateRps(o);
        const [first] = await cm.enumerateCredentials(rp!.rpIdHash, o);
        await cm.deleteCredential(first!.credentialId, o);
      } finally {
        token.destroy();
      }
    },
  },
];

interface CellResult {
  op: string;
  fault: Fault;
  variant: string;
  ok: boolean;
  outcome: string;
  problems: string[];
  ms: number;
}

function arm(key: SoftwareAuthenticator, fault: Fault, op: Op, boundary: number, controller: AbortController): void {
  const f = key.faults;
  switch (fault) {
    case 'unplug':
      f.disconnectAfterReports(boundary);
      break;
    case 'drop':
      f.dropNextFrames(1);
      break;
    case 'duplicate':
      f.duplicateNextFrame();
      break;
    case 'corrupt':
      f.corruptNextFrame();
      break;
    case 'stall':
      f.stall(CALL_MS + 300);
      break;
    case 'busy':
      f.holdChannelBusy(CALL_MS + 500);
      break;
    case 'keepalive':
      f.endlessKeepalive();
      break;
    case 'cancel':
      // Something to wait on: a touch that never comes, or a request that never completes.
      if (op.userPresence) key.presence.setPolicy({ kind: 'manual' });
      else f.endlessKeepalive();
      setTimeout(() => controller.abort(), 120);
      break;
  }
}

/** How many reports the key sends during `op` when nothing goes wrong (the packet boundaries to unplug at). */
async function cleanReportCount(op: Op): Promise<number> {
  const key = newKey();
  await provision(key, op.pin, op.credentials);
  const s = await connect(key);
  let n = 0;
  key.onReport(() => n++);
  await op.run(s, { timeoutMs: CALL_MS });
  await s.device.close();
  return n;
}

async function tryPin(key: SoftwareAuthenticator, pin: string): Promise<'ok' | 'invalid'> {
  const s = await connect(key);
  try {
    const t = await new ClientPin(s.ctap2).getPinToken(pin, { timeoutMs: CALL_MS });
    t.destroy();
    return 'ok';
  } catch (e) {
    if (e instanceof CtapError && e.statusName === 'CTAP2_ERR_PIN_INVALID') return 'invalid';
    throw e;
  } finally {
    await s.device.close();
  }
}

async function runCell(op: Op, fault: Fault, boundary = 0): Promise<CellResult> {
  const variant = fault === 'unplug' ? `unplug@${boundary}` : fault;
  const problems: string[] = [];
  const key = newKey();
  await provision(key, op.pin, op.credentials);
  const before = key.snapshot();
  const s = await connect(key);
  const controller = new AbortController();
  arm(key, fault, op, boundary, controller);
  const started = Date.now();
  let outcome = 'success';
  let error: unknown;
  try {
    await op.run(s, { timeoutMs: CALL_MS, signal: controller.signal });
  } catch (e) {
    error = e;
    outcome = e instanceof SkmError ? e.code : `UNTYPED ${(e as Error)?.name}: ${(e as Error)?.message}`;
  }
  const ms = Date.now() - started;
  if (ms > BOUND_MS) problems.push(`took ${ms} ms`);
  if (error !== undefined && !(error instanceof SkmError)) problems.push(`untyped error: ${String(error)}`);
  const expected = EXPECTED_CODE[fault];
  if (expected && outcome !== expected) problems.push(`expected ${expected}, got ${outcome}`);

  // No PIN retry spent that the user did not spend (read before anything else talks to the key).
  const after = key.snapshot();
  if (after.pinRetries !== before.pinRetries && !(op.name === 'reset' && !after.pinSet)) {
    problems.push(`pinRetries ${before.pinRetries} -> ${after.pinRetries}`);
  }

  // The fault has passed; the key must be usable again.
  key.faults.clear();
  key.presence.setPolicy({ kind: 'approve' });
  const unplugged = !key.snapshot().pluggedIn;
  if (unplugged) {
    key.plug();
  } else {
    try {
      await getInfo(s.device, { timeoutMs: CALL_MS });
    } catch (e) {
      problems.push(`same channel unusable afterwards: ${String(e)}`);
    }
  }
  await s.device.close();
  try {
    const fresh = await connect(key);
    await fresh.device.close();
  } catch (e) {
    problems.push(`fresh connection failed afterwards: ${String(e)}`);
  }

  // State: all or nothing.
  const now = key.snapshot();
  const succeeded = outcome === 'success';
  switch (op.name) {
    case 'set PIN': {
      if (succeeded && !now.pinSet) problems.push('set PIN succeeded but no PIN is set');
      if (now.pinSet && (await tryPin(key, NEW_PIN)) !== 'ok') problems.push('a PIN is set but it is not the new PIN');
      break;
    }
    case 'change PIN': {
      const old = await tryPin(key, OLD_PIN);
      const fresh = old === 'ok' ? 'invalid' : await tryPin(key, NEW_PIN);
      if (old === 'ok' && succeeded) problems.push('change PIN succeeded but the old PIN still works');
      if (old !== 'ok' && fresh !== 'ok') problems.push('neither the old nor the new PIN works');
      break;
    }
    case 'reset': {
      const erased = !now.pinSet && now.credentials.length === 0;
      const untouched = now.pinSet && now.credentials.length === before.credentials.length;
      if (!erased && !untouched) problems.push(`half reset: pinSet=${now.pinSet}, credentials=${now.credentials.length}`);
      if (succeeded && !erased) problems.push('reset succeeded but the key was not erased');
      break;
    }
    case 'delete': {
      const n = now.credentials.length;
      if (n !== before.credentials.length && n !== before.credentials.length - 1) problems.push(`credentials ${before.credentials.length} -> ${n}`);
      if (succeeded && n !== before.credentials.length - 1) problems.push('delete succeeded but nothing was deleted');
      break;
    }
    default:
      if (now.pinSet !== before.pinSet || now.credentials.length !== before.credentials.length) problems.push('state changed by a read-only operation');
  }
  return { op: op.name, fault, variant, ok: problems.length === 0, outcome, problems, ms };
}

const results: CellResult[] = [];

function printMatrix(): string {
  const width = 14;
  const lines = [`${'operation'.padEnd(12)}${FAULTS.map((f) => f.padStart(width)).join('')}`];
  for (const op of OPS) {
    const cells = FAULTS.map((f) => {
      const rs = results.filter((r) => r.op === op.name && r.fault === f);
      if (rs.length === 0) return 'n.a.';
      const pass = rs.filter((r) => r.ok).length;
      if (f === 'unplug') return `${pass === rs.length ? 'pass' : 'FAIL'} ${pass}/${rs.length}`;
      return rs[0]!.ok ? 'pass' : 'FAIL';
    });
    lines.push(`${op.name.padEnd(12)}${cells.map((c) => c.padStart(width)).join('')}`);
  }
  const pass = results.filter((r) => r.ok).length;
  lines.push(`${pass}/${results.length} cells pass`);
  return lines.join('\n');
}

afterAll(() => {
  if (results.length) console.log(`fault matrix\n${printMatrix()}`);
});

describe('fault matrix', () => {
  it('every operation × every fault: typed outcome in time, key usable, state all-or-nothing', async () => {
    const boundaries = await Promise.all(OPS.map(cleanReportCount));
    const tasks: (() => Promise<CellResult>)[] = [];
    OPS.forEach((op, i) => {
      // Unplug before each report the key sends (0 = after processing, before its first answer frame).
      for (let b = 0; b < boundaries[i]!; b++) tasks.push(() => runCell(op, 'unplug', b));
      for (const f of FAULTS.filter((x) => x !== 'unplug')) tasks.push(() => runCell(op, f));
    });
    results.push(...(await pool(tasks, 6)));
    const failed = results.filter((r) => !r.ok).map((r) => `${r.op} / ${r.variant} (${r.outcome}, ${r.ms} ms): ${r.problems.join('; ')}`);
    expect(failed).toEqual([]);
  }, 120_000);
});

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileStore, MemoryStore, SoftwareAuthenticator } from '../../../src/authenticator/index.js';
import { SkmError } from '../../../src/errors.js';
import { Cmd, Host, PinHost, Perm, S } from './host.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempFile(): string {
  const d = mkdtempSync(join(tmpdir(), 'skm-key-'));
  dirs.push(d);
  return join(d, 'nested', 'key.json');
}

describe('FileStore', () => {
  it('keeps the PIN (as a hash only), retries, credentials and config across restarts, mode 0600', async () => {
    const path = tempFile();
    const h = new Host(new SoftwareAuthenticator({ store: new FileStore(path) }));
    const cid = await h.init();
    const pin = new PinHost(h, cid);
    await pin.setPin('8642');
    expect((await pin.token('0000', Perm.GA, 'a')).status).toBe(S.PIN_INVALID);
    const mc = new Map<unknown, unknown>([
      [1, new Uint8Array(32)],
      [2, new Map([['id', 'example.org']])],
      [3, new Map<string, unknown>([['id', Uint8Array.of(7)], ['name', 'zoe']])],
      [4, [new Map<string, unknown>([['alg', -7], ['type', 'public-key']])]],
      [7, new Map([['rk', true]])],
    ]);
    const { token } = await pin.token('8642', Perm.MC, 'example.org');
    mc.set(8, pin.auth(token!, new Uint8Array(32))).set(9, 2);
    expect((await h.cbor(cid, Cmd.MC, mc)).status).toBe(S.OK);
    await pin.token('0000', Perm.GA, 'a');

    expect(statSync(path).mode & 0o777).toBe(0o600);
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('8642');
    // LEFT(SHA-256(PIN), 16), never the PIN
    expect(JSON.parse(text).pinHash).toBe(createHash('sha256').update('8642').digest().subarray(0, 16).toString('hex'));

    const again = new Host(new SoftwareAuthenticator({ store: new FileStore(path) }));
    expect(again.key.snapshot()).toMatchObject({ pinSet: true, pinRetries: 7 });
    expect(again.key.snapshot().credentials.map((c) => c.userName)).toEqual(['zoe']);
    const pin2 = new PinHost(again, await again.init());
    expect((await pin2.token('8642', Perm.GA, 'example.org')).status).toBe(S.OK);
  });

  it('a missing file is a factory-fresh key; a damaged one is an INVALID_STATE error', () => {
    const path = tempFile();
    expect(new FileStore(path).load()).toBeUndefined();
    new FileStore(path).save(new MemoryStore().load() ?? freshLike());
    writeFileSync(path, '{"version": 1, "pinRetries": "eight"}');
    expect(() => new FileStore(path).load()).toThrow(SkmError);
    writeFileSync(path, 'not json');
    try {
      new FileStore(path).load();
      expect.unreachable();
    } catch (e) {
      expect((e as SkmError).code).toBe('INVALID_STATE');
    }
  });
});

describe('MemoryStore', () => {
  it('returns copies, so callers cannot change the key behind its back', () => {
    const store = new MemoryStore();
    const key = new SoftwareAuthenticator({ store });
    const loaded = store.load()!;
    loaded.pinRetries = 0;
    expect(store.load()!.pinRetries).toBe(8);
    expect(key.snapshot().pinRetries).toBe(8);
  });
});

function freshLike() {
  return {
    version: 1 as const,
    pinRetries: 8,
    minPinLength: 4,
    minPinLengthRpIds: [],
    forcePinChange: false,
    alwaysUv: false,
    signCount: 0,
    wrapKey: 'AAAA',
    credentials: [],
  };
}

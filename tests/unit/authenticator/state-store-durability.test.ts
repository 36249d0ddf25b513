/**
 * FileStore.save is durable and safe in a shared directory: a random temp name opened
 * O_CREAT|O_EXCL|O_NOFOLLOW with mode 0600, fsynced before the rename, and removed when anything
 * fails. node:fs is wrapped (every call passes through) so the tests can see the order of the
 * calls and make one of them fail.
 */
import * as realFs from 'node:fs';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

const spy = vi.hoisted(() => ({
  calls: [] as { name: string; args: unknown[] }[],
  failOn: undefined as string | undefined,
  /** Plant a symlink to this file at the temp name just before save opens it (a racing attacker). */
  plantSymlinkTo: undefined as string | undefined,
}));

vi.mock('node:fs', async (importOriginal) => {
  const orig = await importOriginal<typeof import('node:fs')>();
  const wrap =
    <K extends 'openSync' | 'writeSync' | 'fsyncSync' | 'fchmodSync' | 'closeSync' | 'renameSync' | 'unlinkSync'>(name: K) =>
    (...args: unknown[]) => {
      spy.calls.push({ name, args });
      if (name === 'openSync' && spy.plantSymlinkTo !== undefined && String(args[0]).endsWith('.tmp')) {
        orig.symlinkSync(spy.plantSymlinkTo, String(args[0]));
        spy.plantSymlinkTo = undefined;
      }
      if (spy.failOn === name) {
        spy.failOn = undefined;
        throw Object.assign(new Error(`simulated ${name} failure`), { code: 'EIO' });
      }
      return (orig[name] as (...a: unknown[]) => unknown)(...args);
    };
  const wrapped = {
    openSync: wrap('openSync'),
    writeSync: wrap('writeSync'),
    fsyncSync: wrap('fsyncSync'),
    fchmodSync: wrap('fchmodSync'),
    closeSync: wrap('closeSync'),
    renameSync: wrap('renameSync'),
    unlinkSync: wrap('unlinkSync'),
  };
  return { ...orig, ...wrapped, default: { ...orig, ...wrapped } };
});

const { FileStore, MemoryStore, SoftwareAuthenticator } = await import('../../../src/authenticator/index.js');
type State = NonNullable<ReturnType<InstanceType<typeof MemoryStore>['load']>>;

const dirs: string[] = [];
afterEach(() => {
  spy.calls.length = 0;
  spy.failOn = undefined;
  spy.plantSymlinkTo = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'skm-store-'));
  dirs.push(d);
  return d;
}
function freshState(): State {
  const store = new MemoryStore();
  new SoftwareAuthenticator({ store }); // a real fresh state, written by the key itself
  return store.load()!;
}

describe('FileStore.save', () => {
  it('writes through an exclusive, no-follow, 0600 temp file, fsyncs it, then renames it over', () => {
    const dir = tempDir();
    const path = join(dir, 'key.json');
    const state = freshState();
    new FileStore(path).save(state);

    const names = spy.calls.map((c) => c.name);
    const open = spy.calls.find((c) => c.name === 'openSync')!;
    const [tmp, flags, mode] = open.args as [string, number, number];
    const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = realFs.constants;
    expect(flags & O_WRONLY).toBe(O_WRONLY);
    expect(flags & O_CREAT).toBe(O_CREAT);
    expect(flags & O_EXCL).toBe(O_EXCL);
    if (O_NOFOLLOW !== undefined) expect(flags & O_NOFOLLOW).toBe(O_NOFOLLOW);
    expect(mode).toBe(0o600);
    expect(tmp.startsWith(dir)).toBe(true);
    expect(tmp).not.toContain(String(process.pid));

    // open, fchmod, write, fsync, close, rename - in that order
    const order = ['openSync', 'fchmodSync', 'writeSync', 'fsyncSync', 'closeSync', 'renameSync'].map((n) => names.indexOf(n));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const rename = spy.calls.find((c) => c.name === 'renameSync')!;
    expect(rename.args).toEqual([tmp, path]);

    expect(readdirSync(dir)).toEqual(['key.json']);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(new FileStore(path).load()).toEqual(state);
  });

  it('uses a new random temp name each time and leaves no temp files behind', () => {
    const dir = tempDir();
    const path = join(dir, 'key.json');
    const store = new FileStore(path);
    const state = freshState();
    for (let i = 0; i < 3; i++) store.save({ ...state, signCount: i });
    const tmps = spy.calls.filter((c) => c.name === 'openSync' && String(c.args[0]).endsWith('.tmp')).map((c) => c.args[0]);
    expect(new Set(tmps).size).toBe(3);
    expect(readdirSync(dir)).toEqual(['key.json']);
    expect(store.load()!.signCount).toBe(2);
  });

  it.each(['writeSync', 'fsyncSync', 'fchmodSync', 'renameSync'])('a failing %s leaves no temp file and the old state intact', (step) => {
    const dir = tempDir();
    const path = join(dir, 'key.json');
    const store = new FileStore(path);
    const state = freshState();
    store.save(state);
    spy.failOn = step;
    expect(() => store.save({ ...state, signCount: 99 })).toThrow(`simulated ${step} failure`);
    expect(readdirSync(dir)).toEqual(['key.json']);
    expect(store.load()).toEqual(state);
    // the descriptor was closed: every open has its close
    const opens = spy.calls.filter((c) => c.name === 'openSync').length;
    const closes = spy.calls.filter((c) => c.name === 'closeSync').length;
    expect(closes).toBe(opens);
  });

  it('a rename that fails for real (target is a non-empty directory) leaves no temp file', () => {
    const dir = tempDir();
    const path = join(dir, 'key.json');
    mkdirSync(path);
    writeFileSync(join(path, 'inside'), 'x');
    expect(() => new FileStore(path).save(freshState())).toThrow();
    expect(readdirSync(dir)).toEqual(['key.json']);
  });

  it('replaces a symlink planted at the state path instead of writing through it', () => {
    const dir = tempDir();
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'do not touch');
    const path = join(dir, 'key.json');
    symlinkSync(victim, path);
    const state = freshState();
    new FileStore(path).save(state);
    expect(readFileSync(victim, 'utf8')).toBe('do not touch');
    expect(lstatSync(path).isSymbolicLink()).toBe(false);
    expect(new FileStore(path).load()).toEqual(state);
  });

  it('a symlink planted at the temp name is neither followed nor removed: save fails, nothing is written', () => {
    const dir = tempDir();
    const path = join(dir, 'key.json');
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'do not touch');
    const store = new FileStore(path);
    const state = freshState();
    store.save(state);
    spy.plantSymlinkTo = victim;
    expect(() => store.save({ ...state, signCount: 5 })).toThrow(/EEXIST/);
    expect(readFileSync(victim, 'utf8')).toBe('do not touch');
    expect(store.load()).toEqual(state);
    // The planted link is someone else's: it is left alone, and no temp file of ours remains.
    const left = readdirSync(dir).sort();
    expect(left).toHaveLength(3);
    expect(left.filter((f) => f.endsWith('.tmp')).every((f) => lstatSync(join(dir, f)).isSymbolicLink())).toBe(true);
  });
});

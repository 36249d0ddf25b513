/**
 * The software key's non-volatile memory. Holds what a real key keeps across power cycles
 * (CTAP 2.1 §6.5.2 PIN hash and pinRetries, §6.11 config, §6.1 discoverable credentials) and
 * nothing volatile (key agreement key, pinUvAuthToken, PIN_AUTH_BLOCKED). The PIN itself is never
 * stored: only LEFT(SHA-256(PIN), 16) and its length in code points.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { SkmError } from '../errors.js';

const storedCredential = z.object({
  /** base64url */
  credentialId: z.string(),
  rpId: z.string(),
  rpName: z.string().optional(),
  /** base64url of user.id */
  userId: z.string(),
  userName: z.string().optional(),
  userDisplayName: z.string().optional(),
  /** base64url of the 32-byte P-256 private scalar */
  privateKey: z.string(),
  /** creation order, newest highest (getAssertion returns the newest first) */
  createdAt: z.number(),
});

const persistentState = z.object({
  version: z.literal(1),
  /** hex of LEFT(SHA-256(PIN), 16) */
  pinHash: z.string().optional(),
  /** PIN length in code points, kept to honour setMinPINLength (§6.11.4) */
  pinCodePointLength: z.number().int().optional(),
  pinRetries: z.number().int().min(0),
  minPinLength: z.number().int().min(4),
  minPinLengthRpIds: z.array(z.string()),
  forcePinChange: z.boolean(),
  alwaysUv: z.boolean(),
  signCount: z.number().int().min(0),
  /** base64url AES-256 key that wraps non-discoverable credential ids; replaced by reset */
  wrapKey: z.string(),
  credentials: z.array(storedCredential),
});

export type StoredCredential = z.infer<typeof storedCredential>;
export type PersistentState = z.infer<typeof persistentState>;

/** The state file exists but cannot be parsed (empty after a power cut, garbage, wrong shape). */
export class DamagedStateError extends SkmError {
  constructor(readonly path: string, message: string, options?: { cause?: unknown }) {
    super('INVALID_STATE', message, options);
  }
}

/**
 * Move a damaged state file aside to `<path>.damaged-<timestamp>` so a fresh key can start and the
 * old bytes are kept for a look. Returns the new path.
 */
export function setAsideDamagedState(path: string, now: Date = new Date()): string {
  const aside = `${path}.damaged-${now.toISOString().replace(/[:.]/g, '-')}`;
  renameSync(path, aside);
  return aside;
}

/** Where a software key keeps its non-volatile state. */
export interface StateStore {
  load(): PersistentState | undefined;
  save(state: PersistentState): void;
}

/** Keeps state in memory only (tests); a copy, so callers cannot mutate the key behind its back. */
export class MemoryStore implements StateStore {
  private state: PersistentState | undefined;

  constructor(initial?: PersistentState) {
    this.state = initial ? structuredClone(initial) : undefined;
  }

  load(): PersistentState | undefined {
    return this.state ? structuredClone(this.state) : undefined;
  }

  save(state: PersistentState): void {
    this.state = structuredClone(state);
  }
}

/** Keeps state in a JSON file readable only by its owner (mode 0600), written atomically. */
export class FileStore implements StateStore {
  constructor(readonly path: string) {}

  load(): PersistentState | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new SkmError('INVALID_STATE', `Cannot read the software key state file ${this.path}`, { cause: e });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      throw new DamagedStateError(this.path, `The software key state file ${this.path} is not valid JSON`, { cause });
    }
    const result = persistentState.safeParse(parsed);
    if (!result.success) {
      throw new DamagedStateError(this.path, `The software key state file ${this.path} has an unexpected shape`);
    }
    return result.data;
  }

  /**
   * Write a new file next to the old one and rename it over: a power cut leaves the old state or
   * the new, never half of one. The temp file has a random name and is opened O_EXCL|O_NOFOLLOW,
   * so a file or symlink planted in the directory is never written through; it is fsynced before
   * the rename and removed if anything fails.
   */
  save(state: PersistentState): void {
    const dir = dirname(this.path);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const data = Buffer.from(JSON.stringify(state, null, 2), 'utf8');
    const tmp = join(dir, `.${basename(this.path)}.${randomBytes(8).toString('hex')}.tmp`);
    // O_NOFOLLOW is not defined on Windows; O_EXCL alone already refuses an existing path there.
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
    try {
      // EEXIST here means something else holds that name: fail without touching it.
      const fd = openSync(tmp, flags, 0o600);
      let closed = false;
      try {
        fchmodSync(fd, 0o600); // exactly owner read/write, whatever the umask
        for (let off = 0; off < data.length; ) off += writeSync(fd, data, off, data.length - off);
        fsyncSync(fd);
        closed = true;
        closeSync(fd);
        renameSync(tmp, this.path);
      } catch (e) {
        if (!closed) {
          try {
            closeSync(fd);
          } catch {
            // already failing; the original error is the one to report
          }
        }
        try {
          unlinkSync(tmp);
        } catch {
          // nothing left to remove
        }
        throw e;
      }
    } finally {
      data.fill(0); // the state holds private keys
    }
    syncDirectory(dir);
  }
}

/** Make the rename itself durable (POSIX); directories cannot be opened for fsync on Windows. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY);
    fsyncSync(fd);
  } catch {
    // best effort: the file itself is already synced
  } finally {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // best effort
      }
    }
  }
}

/**
 * The software key's non-volatile memory. Holds what a real key keeps across power cycles
 * (CTAP 2.1 §6.5.2 PIN hash and pinRetries, §6.11 config, §6.1 discoverable credentials) and
 * nothing volatile (key agreement key, pinUvAuthToken, PIN_AUTH_BLOCKED). The PIN itself is never
 * stored: only LEFT(SHA-256(PIN), 16) and its length in code points.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
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
      throw new SkmError('INVALID_STATE', `The software key state file ${this.path} is not valid JSON`, { cause });
    }
    const result = persistentState.safeParse(parsed);
    if (!result.success) {
      throw new SkmError('INVALID_STATE', `The software key state file ${this.path} has an unexpected shape`);
    }
    return result.data;
  }

  save(state: PersistentState): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(state, null, 2), { mode: 0o600 });
    chmodSync(tmp, 0o600); // the umask cannot widen it
    renameSync(tmp, this.path);
  }
}

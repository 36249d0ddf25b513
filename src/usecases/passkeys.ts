/**
 * Passkeys on a key (CTAP 2.1 §6.8 authenticatorCredentialManagement): list sites and passkeys,
 * delete one. A session keeps the pinUvAuthToken (cm permission) so the user types the PIN once;
 * it never keeps the PIN. Sessions end on close, on unplug, and after 5 minutes idle; the token
 * is zeroed when a session ends.
 */
import { randomBytes } from 'node:crypto';
import type { CallOptions } from '../ctaphid/device.js';
import type { PinUvAuthToken } from '../ctap2/client-pin.js';
import { CredentialManagement } from '../ctap2/credential-management.js';
import type { Ctap2 } from '../ctap2/ctap2.js';
import { credentialManagementCommand } from '../ctap2/get-info.js';
import { fromHex, toHex } from './key-info.js';
import { asUseCaseError } from './pin.js';
import type { Passkey, PasskeyList, PasskeySite } from './types.js';
import { UseCaseError } from './use-case-error.js';

export const PASSKEY_SESSION_IDLE_MS = 5 * 60_000;

export function requireCredentialManagement(ctap2: Ctap2): void {
  if (credentialManagementCommand(ctap2.info) === undefined) {
    throw new UseCaseError('NOT_SUPPORTED', 'This key cannot list its passkeys.', {
      hint: 'Keys made for CTAP 2.1 (most keys sold since 2021) can. Websites where you use this key still list it in their security settings.',
    });
  }
}

/** getCredsMetadata, then every RP and every credential of each (§6.8.2 - §6.8.4). */
export async function readPasskeys(ctap2: Ctap2, token: PinUvAuthToken, opts: CallOptions = {}): Promise<PasskeyList> {
  try {
    const cm = new CredentialManagement(ctap2, token);
    const meta = await cm.getMetadata(opts);
    const sites: PasskeySite[] = [];
    for (const rp of await cm.enumerateRps(opts)) {
      const creds = await cm.enumerateCredentials(rp.rpIdHash, opts);
      const passkeys: Passkey[] = creds.map((c) => {
        const p: Passkey = { credentialId: toHex(c.credentialId.id), userId: toHex(c.user.id) };
        if (c.user.name !== undefined) p.userName = c.user.name;
        if (c.user.displayName !== undefined) p.userDisplayName = c.user.displayName;
        return p;
      });
      const site: PasskeySite = { rpId: rp.rp.id, passkeys };
      if (rp.rp.name !== undefined) site.rpName = rp.rp.name;
      sites.push(site);
    }
    sites.sort((a, b) => a.rpId.localeCompare(b.rpId));
    return {
      sites,
      existingCount: meta.existingResidentCredentialsCount,
      remainingCount: meta.maxPossibleRemainingResidentCredentialsCount,
    };
  } catch (e) {
    throw asUseCaseError(e, 'token');
  }
}

/** deleteCredential (§6.8.5) for a credential ID in hex. */
export async function deletePasskeyOnKey(ctap2: Ctap2, token: PinUvAuthToken, credentialIdHex: string, opts: CallOptions = {}): Promise<void> {
  const id = fromHex(credentialIdHex);
  if (!id || id.length === 0) throw new UseCaseError('INVALID_ARGUMENT', 'That is not a passkey ID.');
  try {
    await new CredentialManagement(ctap2, token).deleteCredential({ type: 'public-key', id }, opts);
  } catch (e) {
    throw asUseCaseError(e, 'token');
  }
}

interface Session {
  keyId: string;
  token: PinUvAuthToken;
  timer: NodeJS.Timeout;
}

/** Open passkey sessions, by random id. */
export class PasskeySessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly idleMs = PASSKEY_SESSION_IDLE_MS) {}

  open(keyId: string, token: PinUvAuthToken): string {
    const id = randomBytes(16).toString('hex');
    this.sessions.set(id, { keyId, token, timer: this.idleTimer(id) });
    return id;
  }

  /** The live session; restarts its idle clock. */
  use(id: string): { keyId: string; token: PinUvAuthToken } {
    const s = typeof id === 'string' ? this.sessions.get(id) : undefined;
    if (!s) {
      throw new UseCaseError('INVALID_STATE', 'This passkey list is closed (the key was unplugged, or it was left unused for 5 minutes).', {
        hint: 'Open the passkey list again; you will need the PIN.',
      });
    }
    clearTimeout(s.timer);
    s.timer = this.idleTimer(id);
    return { keyId: s.keyId, token: s.token };
  }

  close(id: string): void {
    const s = this.sessions.get(id);
    if (!s) return;
    clearTimeout(s.timer);
    s.token.destroy();
    this.sessions.delete(id);
  }

  closeForKey(keyId: string): void {
    for (const [id, s] of this.sessions) if (s.keyId === keyId) this.close(id);
  }

  closeAll(): void {
    for (const id of [...this.sessions.keys()]) this.close(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  private idleTimer(id: string): NodeJS.Timeout {
    const t = setTimeout(() => this.close(id), this.idleMs);
    t.unref?.();
    return t;
  }
}

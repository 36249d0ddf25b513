/**
 * The in-process software keys the service can offer: the demo key (manual touches from the UI,
 * state kept in a file so its PIN survives restarts) and the simulator (auto-approves touches).
 * Both speak CTAP 2.1 §11.2 CTAPHID through the in-memory transport. The software authenticator
 * is imported lazily so a service that never uses these keys never loads it.
 */
import type { SoftwareAuthenticator, UserPresence } from '../authenticator/index.js';
import { InMemoryProvider } from '../transport/in-memory.js';

export interface SoftwareKeyHandle {
  provider: InMemoryProvider;
  key: SoftwareAuthenticator;
  presence: UserPresence;
  path: string;
}

export interface SoftwareKeyOptions {
  name: 'demo' | 'simulator';
  profile?: 'ctap21' | 'ctap20' | 'u2f';
  /** Touches wait for touch()/refuse() (demo) or are approved at once (simulator). */
  manualPresence: boolean;
  /** FileStore path; memory only when absent. */
  stateFile?: string;
  /** How long after power-up authenticatorReset is allowed (CTAP 2.1 §6.6); the authenticator's default when absent. */
  resetWindowMs?: number;
}

export async function createSoftwareKey(o: SoftwareKeyOptions): Promise<SoftwareKeyHandle> {
  const { SoftwareAuthenticator, UserPresence, FileStore, MemoryStore } = await import('../authenticator/index.js');
  const presence = new UserPresence(o.manualPresence ? { kind: 'manual' } : { kind: 'approve' });
  const key = new SoftwareAuthenticator({
    profile: o.profile ?? 'ctap21',
    store: o.stateFile ? new FileStore(o.stateFile) : new MemoryStore(),
    presence,
    ...(o.resetWindowMs !== undefined ? { resetWindowMs: o.resetWindowMs } : {}),
  });
  const provider = new InMemoryProvider();
  const p = key.profile;
  const descriptor = { name: o.name, vendorId: p.vendorId, productId: p.productId, manufacturer: p.manufacturer, product: o.name === 'demo' ? `${p.product} - demo` : p.product };
  const path = provider.add({ device: key, descriptor: p.serialNumber ? { ...descriptor, serialNumber: p.serialNumber } : descriptor });
  return { provider, key, presence, path };
}

/**
 * The in-process software key behind `--simulator`: factory fresh, touches approved at once.
 * The CLI builds it itself (rather than KeyServiceOptions.simulator) so it can play the user's
 * hands during a reset — unplug it and plug it back when the wizard asks (CTAP 2.1 §6.6 only
 * allows a reset shortly after power-up) — which no one could do to an in-process key otherwise.
 */
import type { InMemoryProvider } from '../transport/in-memory.js';
import type { SimulatorProfile } from './args.js';

export interface CliSoftwareKey {
  provider: InMemoryProvider;
  path: string;
  unplug(): void;
  plug(): void;
}

/**
 * Testing aid: SKM_SIMULATOR_RESET_WINDOW_MS shortens the software key's reset window so the
 * "too late" path can be exercised. Only the in-process software key reads it.
 */
function resetWindowFromEnv(): number | undefined {
  const raw = process.env['SKM_SIMULATOR_RESET_WINDOW_MS'];
  if (raw === undefined || !/^\d{1,6}$/.test(raw)) return undefined;
  return Number(raw);
}

export async function createCliSoftwareKey(profile: SimulatorProfile): Promise<CliSoftwareKey> {
  const [{ SoftwareAuthenticator, MemoryStore }, { InMemoryProvider }] = await Promise.all([
    import('../authenticator/index.js'),
    import('../transport/in-memory.js'),
  ]);
  const resetWindowMs = resetWindowFromEnv();
  const key = new SoftwareAuthenticator({
    profile,
    store: new MemoryStore(),
    presence: { kind: 'approve' },
    ...(resetWindowMs !== undefined ? { resetWindowMs } : {}),
  });
  const p = key.profile;
  const provider = new InMemoryProvider();
  const path = provider.add({
    device: key,
    descriptor: {
      name: 'simulator',
      vendorId: p.vendorId,
      productId: p.productId,
      manufacturer: p.manufacturer,
      product: p.product,
      ...(p.serialNumber ? { serialNumber: p.serialNumber } : {}),
    },
  });
  return { provider, path, unplug: () => key.unplug(), plug: () => key.plug() };
}

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

/** The service's simulator software key (CTAP 2.1 §11.2 over the in-memory transport), with its power switch. */
export async function createCliSoftwareKey(profile: SimulatorProfile): Promise<CliSoftwareKey> {
  // Loaded here, not at the top: the CLI loads this module only for --simulator.
  const { createSoftwareKey } = await import('../usecases/software-keys.js');
  const resetWindowMs = resetWindowFromEnv();
  const { provider, path, key } = await createSoftwareKey({
    name: 'simulator',
    profile,
    manualPresence: false,
    ...(resetWindowMs !== undefined ? { resetWindowMs } : {}),
  });
  return { provider, path, unplug: () => key.unplug(), plug: () => key.plug() };
}

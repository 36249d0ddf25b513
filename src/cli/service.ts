/**
 * The key service as the CLI uses it, created lazily for the chosen key source so a command that
 * needs no key (help, version, usage errors) never loads the engine, and `--simulator` never loads
 * node-hid.
 */
import type { KeyService, KeyServiceOptions } from '../usecases/key-service.js';
import type { KeySource } from './args.js';
import type { CliSoftwareKey } from './software-key.js';

export type CliKeyService = Pick<KeyService, keyof KeyService>;

export interface OpenedService {
  service: CliKeyService;
  /** Set for --simulator: the in-process key, which the CLI unplugs and replugs during a reset. */
  softwareKey?: CliSoftwareKey;
}

/** KeyServiceOptions (service-api.md) for USB or UDP. */
export function serviceOptionsFor(source: Exclude<KeySource, { kind: 'simulator' }>): KeyServiceOptions {
  if (source.kind === 'udp') return { usb: false, udp: { device: source.device, listen: source.listen } };
  return { usb: true };
}

export async function openService(source: KeySource): Promise<OpenedService> {
  const { createKeyService } = await import('../usecases/key-service.js');
  if (source.kind === 'simulator') {
    const { createCliSoftwareKey } = await import('./software-key.js');
    const softwareKey = await createCliSoftwareKey(source.profile);
    return { service: createKeyService({ usb: false, extraProviders: [softwareKey.provider] }), softwareKey };
  }
  return { service: createKeyService(serviceOptionsFor(source)) };
}

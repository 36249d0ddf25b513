/**
 * The key service as the CLI uses it, created lazily for the chosen key source so a command that
 * needs no key (help, version, usage errors) never loads the engine, and `--simulator` never loads
 * node-hid.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UDEV_RULE_FILE } from '../transport/udev-rule.js';
import type { KeyService, KeyServiceOptions } from '../usecases/key-service.js';
import type { KeySource } from './args.js';
import type { CliSoftwareKey } from './software-key.js';

export type CliKeyService = Pick<KeyService, keyof KeyService>;

export interface OpenedService {
  service: CliKeyService;
  /** Set for --simulator: the in-process key, which the CLI unplugs and replugs during a reset. */
  softwareKey?: CliSoftwareKey;
}

/** KeyServiceOptions for USB or UDP. */
export function serviceOptionsFor(source: Exclude<KeySource, { kind: 'simulator' }>): KeyServiceOptions {
  if (source.kind === 'udp') return { usb: false, udp: { device: source.device, listen: source.listen } };
  const udevRulePath = shippedUdevRule();
  return udevRulePath ? { usb: true, udevRulePath } : { usb: true };
}

/** The package's own copy of the udev rule: next to dist/ when bundled, two levels up from src/cli/. */
function shippedUdevRule(): string | undefined {
  const candidates = [join(__dirname, '..', 'resources', 'linux', UDEV_RULE_FILE), join(__dirname, '..', '..', 'resources', 'linux', UDEV_RULE_FILE)];
  return candidates.find((p) => existsSync(p));
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

/**
 * Opening links in the user's browser: only URLs the organisation profile allows
 * (src/usecases/external-links.ts) ever reach the opener (shell.openExternal in the app, a
 * recorder in the browser test bridge). No Electron import.
 */
import { isAllowedExternalUrl } from '../src/usecases/external-links.js';
import { UseCaseError } from '../src/usecases/use-case-error.js';
import type { OrgProfile } from '../src/usecases/types.js';
import type { SkmService } from './ipc-contract.js';
import { SKM_METHODS } from './ipc-validation.js';

export interface ExternalOpenerDeps {
  /** The organisation profile in force. */
  getProfile(): Promise<Pick<OrgProfile, 'allowedHosts' | 'portalUrl'>>;
  /** Actually open the URL (shell.openExternal). Only called for allowed URLs. */
  open(url: string): Promise<void> | void;
}

/** Returns an opener that resolves true when the URL was allowed and opened, false when refused. Never throws. */
export function createExternalOpener(deps: ExternalOpenerDeps): (url: unknown) => Promise<boolean> {
  return async (url) => {
    if (typeof url !== 'string') return false;
    try {
      const profile = await deps.getProfile();
      if (!isAllowedExternalUrl(url, profile)) return false;
      // Hand over the URL as parsed and checked, not the caller's string, so the browser cannot
      // read it differently from the allow-list.
      await deps.open(new URL(url).href);
      return true;
    } catch {
      return false;
    }
  };
}

/**
 * The service as the app exposes it: every method delegates to `service`, except openExternal,
 * which goes through the allow-listed opener and fails with INVALID_ARGUMENT when refused.
 */
export function withExternalOpener(service: SkmService, opener: (url: unknown) => Promise<boolean>): SkmService {
  const wrapped: Record<string, unknown> = {};
  for (const method of SKM_METHODS) {
    const fn = service[method] as (...args: unknown[]) => Promise<unknown>;
    wrapped[method] = (...args: unknown[]) => fn.apply(service, args);
  }
  wrapped.openExternal = async (url: string): Promise<void> => {
    if (!(await opener(url))) {
      throw new UseCaseError('INVALID_ARGUMENT', 'That link is not one your organisation allows, so it was not opened.');
    }
  };
  wrapped.onEvent = (listener: Parameters<SkmService['onEvent']>[0]) => service.onEvent(listener);
  return wrapped as SkmService;
}

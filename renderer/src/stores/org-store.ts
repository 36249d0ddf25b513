/** The organisation profile (portal name and address, who to contact), from getOrgProfile(). */
import { create } from 'zustand';
import type { ErrorInfo, OrgProfile, OrgProfileState } from '../../../src/usecases/types.js';
import { api } from '../api/client.js';

/** Used until the service answers, and if it cannot: the same NHSmail defaults the service ships. */
export const FALLBACK_PROFILE: OrgProfile = {
  id: 'nhsmail',
  organisationName: 'NHSmail',
  portalName: 'NHSmail portal',
  portalUrl: 'https://portal.nhs.net',
  supportContact: "your organisation's Local Administrator",
  allowedHosts: ['portal.nhs.net', 'support.nhs.net'],
  links: [],
};

export interface OrgState {
  loaded: boolean;
  state?: OrgProfileState;
  error?: ErrorInfo;
}

export const useOrgStore = create<OrgState>()(() => ({ loaded: false }));

export async function loadOrgProfile(): Promise<void> {
  const r = await api.getOrgProfile();
  useOrgStore.setState(r.ok ? { loaded: true, state: r.value, error: undefined } : { loaded: true, error: r.error });
}

/** The profile in force: the service's answer, or the built-in default until it arrives. */
export function useProfile(): OrgProfile {
  return useOrgStore((s) => s.state?.profile ?? FALLBACK_PROFILE);
}

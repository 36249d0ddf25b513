/**
 * The allow-list for links the app opens in the user's browser (portal, support pages). Only
 * https, only hosts the organisation profile names (exact match: no subdomains, no look-alikes),
 * no user name or password in the URL, no custom port. Pure, so Electron main and tests share it.
 */
import type { OrgProfile } from './types.js';

/** Hosts a profile allows: its allowedHosts plus the portal's own host, lowercased. */
export function allowedHostsOf(profile: Pick<OrgProfile, 'allowedHosts' | 'portalUrl'>): Set<string> {
  const hosts = new Set(profile.allowedHosts.map((h) => h.toLowerCase()));
  try {
    hosts.add(new URL(profile.portalUrl).hostname.toLowerCase());
  } catch {
    // a bad portal URL adds nothing; the profile validator reports it
  }
  return hosts;
}

/** True when `url` may be opened externally under `profile`. */
export function isAllowedExternalUrl(url: string, profile: Pick<OrgProfile, 'allowedHosts' | 'portalUrl'>): boolean {
  if (typeof url !== 'string' || url.length === 0 || url.length > 2048) return false;
  // Reject anything the URL parser would silently clean up: whitespace, control characters, backslashes.
  if (/[\s\u0000-\u001f\u007f\\]/.test(url)) return false;
  if (!/^https:\/\//i.test(url)) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:') return false;
  if (parsed.username !== '' || parsed.password !== '') return false;
  if (url.slice('https://'.length).split(/[/?#]/, 1)[0]!.includes('@')) return false;
  if (parsed.port !== '') return false;
  return allowedHostsOf(profile).has(parsed.hostname.toLowerCase());
}

import { describe, expect, it } from 'vitest';
import { isAllowedExternalUrl } from '../../../src/usecases/external-links.js';
import { DEFAULT_ORG_PROFILE } from '../../../src/usecases/org-profile.js';

const profile = DEFAULT_ORG_PROFILE;

describe('external link allow-list', () => {
  it.each([
    'https://portal.nhs.net',
    'https://portal.nhs.net/',
    'https://portal.nhs.net/Home#/selfservice',
    'https://PORTAL.NHS.NET/login?x=1',
    'https://support.nhs.net/knowledge-base/',
  ])('allows %s', (url) => {
    expect(isAllowedExternalUrl(url, profile)).toBe(true);
  });

  it.each([
    ['plain http', 'http://portal.nhs.net'],
    ['javascript:', 'javascript:alert(1)'],
    ['javascript: with host-looking text', 'javascript://portal.nhs.net/%0aalert(1)'],
    ['file:', 'file:///etc/passwd'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['subdomain look-alike', 'https://portal.nhs.net.evil.example'],
    ['prefix look-alike', 'https://evilportal.nhs.net'],
    ['subdomain of an allowed host', 'https://x.portal.nhs.net'],
    ['parent domain', 'https://nhs.net'],
    ['homoglyph (Cyrillic o)', 'https://p\u043ertal.nhs.net'],
    ['trailing dot', 'https://portal.nhs.net./'],
    ['userinfo trick', 'https://portal.nhs.net@evil.example/'],
    ['userinfo with password', 'https://user:pass@portal.nhs.net/'],
    ['encoded at sign in userinfo', 'https://portal.nhs.net%40evil.example/'],
    ['backslash trick', 'https://evil.example\\@portal.nhs.net/'],
    ['custom port', 'https://portal.nhs.net:8443/'],
    ['whitespace', ' https://portal.nhs.net'],
    ['newline', 'https://portal.nhs.net/\n'],
    ['protocol-relative', '//portal.nhs.net'],
    ['no scheme', 'portal.nhs.net'],
    ['empty', ''],
    ['IP address', 'https://127.0.0.1/'],
  ])('refuses %s', (_what, url) => {
    expect(isAllowedExternalUrl(url, profile)).toBe(false);
  });

  it('refuses non-strings', () => {
    expect(isAllowedExternalUrl(undefined as unknown as string, profile)).toBe(false);
  });

  it('always allows the portal host, even if a profile forgot it', () => {
    expect(isAllowedExternalUrl('https://id.example.org/x', { portalUrl: 'https://id.example.org', allowedHosts: [] })).toBe(true);
    expect(isAllowedExternalUrl('https://portal.nhs.net', { portalUrl: 'https://id.example.org', allowedHosts: [] })).toBe(false);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ORG_PROFILE, loadOrgProfile, parseOrgProfile, wellKnownOrgProfilePath } from '../../../src/usecases/org-profile.js';

const good = {
  id: 'acme-health',
  organisationName: 'Acme Health',
  portalName: 'Acme sign-in portal',
  portalUrl: 'https://id.acme.example',
  supportContact: 'the Acme service desk',
  supportUrl: 'https://help.acme.example/keys',
  allowedHosts: ['id.acme.example', 'help.acme.example'],
  links: [{ label: 'Help', url: 'https://help.acme.example/' }],
};

describe('organisation profile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'skm-org-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (value: unknown) => {
    const p = join(dir, 'profile.json');
    writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
    return p;
  };

  it('the default is NHSmail, with the portal and the Local Administrator', () => {
    expect(DEFAULT_ORG_PROFILE.portalUrl).toBe('https://portal.nhs.net');
    expect(DEFAULT_ORG_PROFILE.allowedHosts).toContain('portal.nhs.net');
    expect(DEFAULT_ORG_PROFILE.supportContact).toMatch(/Local Administrator/);
  });

  it('no file anywhere: the default, no error', async () => {
    const state = await loadOrgProfile({ env: {}, platform: 'linux', readFile: async () => Promise.reject(Object.assign(new Error('x'), { code: 'ENOENT' })) });
    expect(state).toEqual({ profile: DEFAULT_ORG_PROFILE, source: 'default' });
  });

  it('a good file from options, or from SKM_ORG_PROFILE', async () => {
    const p = write(good);
    const a = await loadOrgProfile({ path: p, env: {} });
    expect(a.source).toBe('file');
    expect(a.profile).toEqual(good);
    const b = await loadOrgProfile({ env: { SKM_ORG_PROFILE: p } });
    expect(b.profile.organisationName).toBe('Acme Health');
  });

  it.each([
    ['http portal', { ...good, portalUrl: 'http://id.acme.example' }, /portalUrl/],
    ['portal host not allowed', { ...good, allowedHosts: ['help.acme.example'] }, /not in allowedHosts/],
    ['link host not allowed', { ...good, links: [{ label: 'x', url: 'https://evil.example/' }] }, /links\.0\.url/],
    ['javascript link', { ...good, links: [{ label: 'x', url: 'javascript:alert(1)' }] }, /links\.0\.url/],
    ['credentials in URL', { ...good, supportUrl: 'https://a:b@help.acme.example/' }, /supportUrl/],
    ['wildcard host', { ...good, allowedHosts: ['*.acme.example', 'id.acme.example'] }, /allowedHosts/],
    ['unknown field', { ...good, extra: true }, /extra|Unrecognized/i],
    ['missing field', { ...good, supportContact: undefined }, /supportContact/],
    ['not JSON', '{ this is not json', /not valid JSON/],
  ])('a bad file (%s) is reported and the default stays in force', async (_what, value, why) => {
    const state = await loadOrgProfile({ path: write(value), env: {} });
    expect(state.source).toBe('default');
    expect(state.error).toMatch(why);
    // Never half-applied: exactly the default profile.
    expect(state.profile).toEqual(DEFAULT_ORG_PROFILE);
  });

  it('a named file that does not exist is an error; the well-known path may be absent', async () => {
    const named = await loadOrgProfile({ path: join(dir, 'nope.json'), env: {} });
    expect(named.error).toMatch(/could not be read/);
    expect(named.profile).toEqual(DEFAULT_ORG_PROFILE);
  });

  it('well-known paths per OS', () => {
    expect(wellKnownOrgProfilePath('linux')).toBe('/etc/security-key-manager/org-profile.json');
    expect(wellKnownOrgProfilePath('darwin')).toMatch(/^\/Library\/Application Support\//);
    expect(wellKnownOrgProfilePath('win32', { ProgramData: 'D:\\PD' })).toBe('D:\\PD\\Security Key Manager\\org-profile.json');
  });

  it('parseOrgProfile names every problem', () => {
    const r = parseOrgProfile({ ...good, portalUrl: 'ftp://x', id: 'Bad Id' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatch(/portalUrl/);
      expect(r.error).toMatch(/id/);
    }
  });
});

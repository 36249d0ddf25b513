import { describe, expect, it } from 'vitest';
import type { OrgProfile } from '../../../src/usecases/types.js';
import { portalSteps } from '../../../renderer/src/lib/portal-steps.js';

const nhs: OrgProfile = {
  id: 'nhsmail',
  organisationName: 'NHSmail',
  portalName: 'NHSmail portal',
  portalUrl: 'https://portal.nhs.net',
  supportContact: "your organisation's Local Administrator",
  allowedHosts: ['portal.nhs.net'],
  links: [],
};
const other: OrgProfile = { ...nhs, id: 'acme', organisationName: 'Acme', portalName: 'Acme account page', supportContact: 'the Acme IT desk' };

describe('portal guide steps from the organisation profile', () => {
  it('names the NHSmail menu path for the default profile', () => {
    const s = portalSteps(nhs);
    expect(s.where).toContain('Manage FIDO2 Tokens');
    expect(s.register.join(' ')).toContain('Register New Token');
    expect(s.rename.join(' ')).toContain('Edit');
    expect(s.remove.join(' ')).toContain('Remove');
  });

  it('uses the other organisation names and never mentions NHSmail for them', () => {
    const s = portalSteps(other);
    const all = Object.values(s).flat().join(' ');
    expect(all).not.toMatch(/NHSmail|FIDO2 Tokens/);
    expect(all).toContain('Acme account page');
    expect(s.lost.join(' ')).toContain('the Acme IT desk');
  });

  it('covers every flow with at least two steps', () => {
    const s = portalSteps(nhs);
    for (const k of ['register', 'rename', 'remove', 'lost', 'reRegister', 'backup'] as const) expect(s[k].length, k).toBeGreaterThanOrEqual(2);
  });
});

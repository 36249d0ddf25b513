/** The allow-listed external opener (electron/external-links.ts). */
import { describe, expect, it, vi } from 'vitest';
import { createExternalOpener, withExternalOpener } from '../../../electron/external-links.js';
import { dispatch } from '../../../electron/ipc-dispatch.js';
import { fakeService } from './fake-service.js';

const profile = { portalUrl: 'https://portal.nhs.net/', allowedHosts: ['portal.nhs.net', 'support.nhs.net'] };

describe('createExternalOpener', () => {
  it('opens only https URLs on allowed hosts', async () => {
    const open = vi.fn();
    const opener = createExternalOpener({ getProfile: async () => profile, open });
    expect(await opener('https://portal.nhs.net/register')).toBe(true);
    expect(await opener('https://support.nhs.net/')).toBe(true);
    for (const bad of [
      'http://portal.nhs.net/',
      'https://portal.nhs.net.evil.example/',
      'https://evil.example/?https://portal.nhs.net/',
      'https://user@portal.nhs.net/',
      'https://portal.nhs.net:8443/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'https://sub.portal.nhs.net/',
      42,
      undefined,
    ]) {
      expect(await opener(bad), String(bad)).toBe(false);
    }
    expect(open.mock.calls).toEqual([['https://portal.nhs.net/register'], ['https://support.nhs.net/']]);
  });

  it('opens the URL as parsed and checked, not the string it was given', async () => {
    const open = vi.fn();
    const opener = createExternalOpener({ getProfile: async () => profile, open });
    expect(await opener('HTTPS://Portal.NHS.net/a/../register?x=1')).toBe(true);
    expect(open.mock.calls).toEqual([['https://portal.nhs.net/register?x=1']]);
  });

  it('refuses when the profile cannot be read or the opener fails', async () => {
    expect(await createExternalOpener({ getProfile: async () => Promise.reject(new Error('x')), open: vi.fn() })('https://portal.nhs.net/')).toBe(false);
    expect(
      await createExternalOpener({
        getProfile: async () => profile,
        open: () => {
          throw new Error('no browser');
        },
      })('https://portal.nhs.net/'),
    ).toBe(false);
  });
});

describe('withExternalOpener', () => {
  it('routes openExternal through the opener and delegates everything else', async () => {
    const fake = fakeService({ listKeys: () => [] });
    const opened: string[] = [];
    const service = withExternalOpener(
      fake.service,
      createExternalOpener({ getProfile: async () => profile, open: (u) => void opened.push(u) }),
    );
    expect(await dispatch(service, 'openExternal', ['https://portal.nhs.net/'])).toEqual({ ok: true, value: undefined });
    const refused = await dispatch(service, 'openExternal', ['https://evil.example/']);
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(opened).toEqual(['https://portal.nhs.net/']);
    // The underlying service's own openExternal is never reached.
    expect(fake.calls.filter((c) => c.method === 'openExternal')).toEqual([]);
    expect(await dispatch(service, 'listKeys', [])).toEqual({ ok: true, value: [] });
    const events: unknown[] = [];
    service.onEvent((e) => events.push(e));
    fake.emit({ type: 'demo-touch-wait', waiting: false });
    expect(events).toHaveLength(1);
  });
});

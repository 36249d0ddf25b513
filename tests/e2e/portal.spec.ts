/**
 * External links and the organisation profile end to end: the portal button opens only the
 * allow-listed portal address, a link outside the allow-list is refused through the same API, a
 * request from anywhere but the app's page is refused, and a bad administrator profile is reported.
 */
import { writeFileSync } from 'node:fs';
import { test, expect, openApp, goTo, checkScreen, callApi } from './fixtures.js';

type R = { ok: boolean; error?: { code: string } };

test('the portal button opens the allow-listed portal and nothing else', async ({ page, bridge }) => {
  await openApp(page, bridge);
  await goTo(page, 'Portal guide');
  await checkScreen(page, 'guide');
  await page.getByRole('button', { name: 'Open the NHSmail portal' }).click();
  await expect.poll(async () => (await bridge.state()).opened).toEqual(['https://portal.nhs.net/']);
  await expect(page.getByTestId('outcome')).toHaveCount(0);

  for (const bad of [
    'https://evil.example/',
    'http://portal.nhs.net/',
    'https://portal.nhs.net.evil.example/',
    'https://portal.nhs.net@evil.example/',
    'javascript:alert(1)',
    'file:///etc/passwd',
  ]) {
    const r = await callApi<R>(page, 'openExternal', bad);
    expect(r.ok, bad).toBe(false);
    expect(r.error?.code, bad).toBe('INVALID_ARGUMENT');
  }
  const wrongType = await callApi<R>(page, 'openExternal', { href: 'https://portal.nhs.net' });
  expect(wrongType.error?.code).toBe('INVALID_ARGUMENT');
  expect((await bridge.state()).opened).toEqual(['https://portal.nhs.net/']);
});

test('the contract refuses callers other than the app page', async ({ page, bridge }) => {
  await openApp(page, bridge);
  // Same request the page makes, but from another origin: the bridge's sender check, like main's.
  const res = await fetch(`${bridge.url}api/openExternal`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
    body: JSON.stringify(['https://portal.nhs.net']),
  });
  const r = (await res.json()) as R;
  expect(r.error?.code).toBe('PERMISSION_DENIED');
  expect((await bridge.state()).opened).toEqual([]);
  // Unknown methods and malformed arguments from the page itself.
  expect((await page.evaluate(() => fetch('/api/__proto__', { method: 'POST', body: '[]' }).then((x) => x.json()))) as R).toMatchObject({
    ok: false,
    error: { code: 'INVALID_ARGUMENT' },
  });
  expect((await callApi<R>(page, 'setPin', 'memory:key-1', 'x'.repeat(300), 'x'.repeat(300))).error?.code).toBe('INVALID_ARGUMENT');
  expect((await bridge.state()).keys[0]!.pinSet).toBe(false);
});

test.describe('with a rejected organisation profile', () => {
  test.use({
    bridgeLaunch: async ({}, use, testInfo) => {
      const file = testInfo.outputPath('org-profile.json');
      writeFileSync(
        file,
        JSON.stringify({
          id: 'example-trust',
          organisationName: 'Example Trust',
          portalName: 'Example portal',
          portalUrl: 'http://portal.example.org',
          supportContact: 'the IT service desk',
          allowedHosts: ['portal.example.org'],
          links: [],
        }),
      );
      await use({ orgProfile: file });
    },
  });

  test('the problem is reported and the built-in profile stays in force', async ({ page, bridge }) => {
    await openApp(page, bridge);
    await goTo(page, 'Portal guide');
    const notice = page.getByTestId('org-profile-error');
    await expect(notice).toBeVisible();
    await expect(notice).toContainText("Your administrator's settings file was not used");
    await expect(notice).toContainText('portalUrl');
    await checkScreen(page, 'guide-bad-profile');
    const state = await callApi<{ ok: true; value: { source: string; error?: string; profile: { portalUrl: string } } }>(page, 'getOrgProfile');
    expect(state.value.source).toBe('default');
    expect(state.value.error).toMatch(/rejected/);
    // Links still follow the built-in allow-list, not the rejected file.
    expect((await callApi<R>(page, 'openExternal', 'https://portal.example.org/')).error?.code).toBe('INVALID_ARGUMENT');
    await page.getByRole('button', { name: 'Open the NHSmail portal' }).click();
    await expect.poll(async () => (await bridge.state()).opened).toEqual(['https://portal.nhs.net/']);
  });
});

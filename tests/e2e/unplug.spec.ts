/**
 * A key unplugged in the middle of a task: the touch test (CTAP 2.1 §6.9 authenticatorSelection,
 * waiting on keepalive UP_NEEDED), the factory reset at its touch step (§6.6 authenticatorReset)
 * and the PIN change form (§6.5.5.6 changePIN). Each time the UI must end in a calm, explained
 * state with nothing left spinning, the key must be unchanged, and the task must work again
 * once the key is back.
 */
import type { Page } from '@playwright/test';
import { test, expect, openApp, goTo, checkScreen, callApi } from './fixtures.js';

const KEY = 'memory:key-1';

type R<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string; hint?: string } };

// The key waits for a touch until the test gives one, so it can be unplugged while waiting.
test.use({ bridgeLaunch: { presence: 'manual' } });

/** Whether `pin` is the key's PIN, asked through the real API (getPinUvAuthToken via listPasskeys). */
async function pinWorks(page: Page, pin: string): Promise<boolean> {
  const r = await callApi<R<{ session: string }>>(page, 'listPasskeys', KEY, pin);
  if (r.ok) await callApi(page, 'closePasskeys', r.value.session);
  return r.ok;
}

async function phase(page: Page, p: string): Promise<void> {
  await expect(page.getByTestId('reset-live')).toHaveAttribute('data-phase', p);
}

/** Nothing is left waiting on the key: no touch prompt, no "waiting" line, no countdown, no Cancel. */
async function nothingRunning(page: Page): Promise<void> {
  await expect(page.getByTestId('touch-needed')).toHaveCount(0);
  await expect(page.getByTestId('touch-waiting')).toHaveCount(0);
  await expect(page.locator('.touch-pulse')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Cancel', exact: true })).toHaveCount(0);
}

test('unplugged while the touch test waits: explained, nothing left running, works again after replug', async ({ page, bridge }) => {
  await openApp(page, bridge);
  await goTo(page, 'Touch test');
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/touchTest'));
  await page.getByRole('button', { name: 'Test touch' }).click();
  await expect(page.getByTestId('touch-needed')).toBeVisible();

  await bridge.unplug();
  // The waiting call ends with the reason, rather than hanging on a key that is gone.
  const ended = (await (await answer).json()) as R<unknown>;
  expect(ended.ok).toBe(false);
  if (!ended.ok) expect(ended.error.code).toBe('KEY_DISCONNECTED');
  // The screen says what happened and what to do; the live region says it too.
  await expect(page.getByRole('heading', { name: 'No key plugged in' })).toBeVisible();
  await expect(page.getByTestId('screen-touch')).toContainText('Plug your security key into a USB port');
  await expect(page.getByTestId('live-region')).toContainText('unplugged');
  await expect(page.getByTestId('current-key')).toHaveText('No key plugged in');
  await nothingRunning(page);
  await checkScreen(page, 'unplug-touch-test');

  await bridge.plug();
  // The key is listed again...
  await goTo(page, 'Keys', 'Security keys');
  await expect(page.getByTestId('key-item')).toHaveCount(1);
  await expect(page.getByTestId('key-item')).toContainText('E2E00001');
  await expect(page.getByTestId('live-region')).toContainText('plugged in');
  // ...and a new touch test runs to the end (the old call left nothing behind on the key).
  await goTo(page, 'Touch test');
  await expect(page.getByTestId('outcome')).toHaveCount(0);
  await page.getByRole('button', { name: 'Test touch' }).click();
  await expect(page.getByTestId('touch-needed')).toBeVisible();
  await bridge.touch();
  await expect(page.getByText('Touch received', { exact: true })).toBeVisible();
  await nothingRunning(page);
});

test('unplugged at the reset touch step: nothing erased, explained, and the reset can be started again', async ({ page, bridge }) => {
  test.setTimeout(90_000);
  await bridge.setPin('1234');
  await openApp(page, bridge);
  await goTo(page, 'Factory reset');
  await page.getByRole('button', { name: 'Start factory reset' }).click();
  await page.getByLabel('I understand that everything listed above will be erased').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Yes, I have another way to sign in').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Type RESET to confirm').fill('RESET');
  await page.getByRole('button', { name: 'Start reset' }).click();

  await phase(page, 'unplug');
  await bridge.unplug();
  await phase(page, 'replug');
  await bridge.plug();
  await phase(page, 'touch');
  await expect(page.getByTestId('touch-needed')).toBeVisible();

  // Gone again while the key waits for the touch that would erase it.
  await bridge.unplug();
  const wizard = page.getByTestId('reset-wizard');
  await expect(wizard).toHaveAttribute('data-step', 'finished');
  const outcome = wizard.getByTestId('outcome');
  await expect(outcome).toHaveAttribute('data-outcome', 'KEY_DISCONNECTED');
  await expect(outcome).toHaveAttribute('role', 'alert');
  await expect(outcome).toContainText('The key was unplugged');
  await expect(outcome).toContainText('Plug it back in and try again');
  await expect(page.getByTestId('reset-live')).toHaveCount(0);
  await expect(page.getByTestId('reset-countdown')).toHaveCount(0);
  await expect(page.locator('progress')).toHaveCount(0);
  await nothingRunning(page);
  await expect(wizard.getByRole('button', { name: 'Try again' })).toBeVisible();
  await expect(wizard.getByRole('button', { name: 'Close' })).toBeVisible();
  const status = await callApi<R<{ phase: string; outcome?: { code: string } }>>(page, 'getResetStatus');
  expect(status.ok && status.value.phase).toBe('failed');
  expect(status.ok && status.value.outcome?.code).toBe('KEY_DISCONNECTED');
  // Nothing was erased: the PIN is still on the key.
  expect((await bridge.state()).keys[0]).toMatchObject({ pinSet: true, pinRetries: 8, pluggedIn: false });
  await checkScreen(page, 'unplug-reset-touch');

  await bridge.plug();
  await expect.poll(async () => (await bridge.state()).keys[0]!.pluggedIn).toBe(true);
  expect((await bridge.state()).keys[0]!.pinSet).toBe(true);
  expect(await pinWorks(page, '1234')).toBe(true);

  // Start again from the explained state: the wizard runs the unplug -> replug -> touch steps anew.
  await wizard.getByRole('button', { name: 'Try again' }).click();
  await phase(page, 'unplug');
  await expect(page.getByTestId('reset-live').getByText('Unplug your key now')).toBeVisible();
  await bridge.unplug();
  await phase(page, 'replug');
  await bridge.plug();
  await phase(page, 'touch');
  await bridge.touch();
  await expect(page.getByText('Your key has been reset', { exact: true })).toBeVisible();
  expect((await bridge.state()).keys[0]!.pinSet).toBe(false);
});

test('unplugged while the PIN change form is filled in: the form is withdrawn and explained, the PIN is unchanged', async ({ page, bridge }) => {
  await bridge.setPin('1234');
  await openApp(page, bridge);
  await goTo(page, 'PIN');
  const form = page.getByRole('form', { name: 'Change the PIN' });
  await form.getByLabel('Current PIN').fill('1234');
  await form.getByLabel('New PIN', { exact: true }).fill('975310');
  await form.getByLabel('Confirm new PIN').fill('975310');

  await bridge.unplug();
  // Nothing can be submitted to a key that is gone: the form gives way to what to do.
  await expect(form).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'No key plugged in' })).toBeVisible();
  await expect(page.getByTestId('screen-pin')).toContainText('Plug your security key into a USB port');
  await expect(page.getByTestId('live-region')).toContainText('unplugged');
  await checkScreen(page, 'unplug-pin-form');

  await bridge.plug();
  // The form is back, empty, and the key still has the old PIN with no try spent.
  await expect(form).toBeVisible();
  await expect(form.getByLabel('Current PIN')).toHaveValue('');
  await expect(form.getByLabel('New PIN', { exact: true })).toHaveValue('');
  await expect(form.getByLabel('Confirm new PIN')).toHaveValue('');
  expect((await bridge.state()).keys[0]).toMatchObject({ pinSet: true, pinRetries: 8, pluggedIn: true });
  expect(await pinWorks(page, '1234')).toBe(true);
});

test('a PIN change submitted just after the unplug: an explained outcome, no crash, the PIN is unchanged', async ({ page, bridge }) => {
  await bridge.setPin('1234');
  await openApp(page, bridge);
  await goTo(page, 'PIN');
  const form = page.getByRole('form', { name: 'Change the PIN' });
  await form.getByLabel('Current PIN').fill('1234');
  await form.getByLabel('New PIN', { exact: true }).fill('975310');
  await form.getByLabel('Confirm new PIN').fill('975310');

  const answer = page.waitForResponse((r) => r.url().endsWith('/api/changePin'));
  // The user's hands, in the page: the key is pulled out and the form submitted straight after,
  // before the app has heard of the unplug (the key service notices on its next poll).
  const submitted = await page.evaluate(async () => {
    const f = document.querySelector<HTMLFormElement>('form[aria-labelledby="pin-form-change"]')!;
    await fetch('/test/unplug', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const stillThere = f.isConnected;
    if (stillThere) f.requestSubmit();
    return stillThere;
  });
  expect(submitted, 'the form was still on screen when it was submitted').toBe(true);

  // The key service answers with a reason, not a crash...
  const r = (await (await answer).json()) as R<unknown>;
  expect(r.ok).toBe(false);
  if (!r.ok) {
    expect(['KEY_DISCONNECTED', 'KEY_NOT_FOUND', 'NO_KEY']).toContain(r.error.code);
    expect(r.error.message.length).toBeGreaterThan(0);
  }
  // ...and the screen settles on the explanation of what to do.
  await expect(page.getByRole('heading', { name: 'No key plugged in' })).toBeVisible();
  await expect(page.getByTestId('screen-pin')).toContainText('Plug your security key into a USB port');
  await expect(page.getByRole('button', { name: 'Change PIN' })).toHaveCount(0);
  await checkScreen(page, 'unplug-pin-submit');

  await bridge.plug();
  await expect(form).toBeVisible();
  await expect(page.getByTestId('outcome')).toHaveCount(0);
  expect((await bridge.state()).keys[0]).toMatchObject({ pinSet: true, pinRetries: 8, pluggedIn: true });
  expect(await pinWorks(page, '1234')).toBe(true);
  // And the change goes through now that the key is back.
  await form.getByLabel('Current PIN').fill('1234');
  await form.getByLabel('New PIN', { exact: true }).fill('975310');
  await form.getByLabel('Confirm new PIN').fill('975310');
  await form.getByRole('button', { name: 'Change PIN' }).click();
  await expect(page.getByText('Your PIN is changed')).toBeVisible();
  expect(await pinWorks(page, '975310')).toBe(true);
});

/**
 * PIN use cases end to end: a first PIN (CTAP 2.1 §6.5.5.5 setPIN), a change (§6.5.5.6
 * changePIN), and wrong PINs down to PIN_AUTH_BLOCKED (power cycle needed) and PIN_BLOCKED.
 */
import type { Page } from '@playwright/test';
import { test, expect, openApp, goTo, checkScreen, callApi, type BridgeHandle } from './fixtures.js';

const KEY = 'memory:key-1';

async function openPin(page: Page, bridge: BridgeHandle): Promise<void> {
  await openApp(page, bridge);
  await goTo(page, 'PIN');
}

/** Whether `pin` is the key's PIN, asked through the real API (getPinUvAuthToken via listPasskeys). */
async function pinWorks(page: Page, pin: string): Promise<{ ok: boolean; code?: string }> {
  const r = await callApi<{ ok: boolean; value?: { session: string }; error?: { code: string } }>(page, 'listPasskeys', KEY, pin);
  if (r.ok) await callApi(page, 'closePasskeys', r.value!.session);
  return r.ok ? { ok: true } : { ok: false, code: r.error!.code };
}

test('sets a first PIN; a mismatch is caught before anything reaches the key', async ({ page, bridge }) => {
  await openPin(page, bridge);
  const form = page.getByRole('form', { name: 'Set a PIN' });
  await expect(form).toBeVisible();
  await checkScreen(page, 'pin-set-form');

  await form.getByLabel('New PIN', { exact: true }).fill('2468');
  await form.getByLabel('Confirm new PIN').fill('2469');
  await form.getByRole('button', { name: 'Set PIN' }).click();
  await expect(page.getByRole('alert')).toContainText('The two new PINs are different');
  expect((await bridge.state()).keys[0]!.pinSet).toBe(false);
  await checkScreen(page, 'pin-set-mismatch');

  await form.getByLabel('New PIN', { exact: true }).fill('2468');
  await form.getByLabel('Confirm new PIN').fill('2468');
  await form.getByRole('button', { name: 'Set PIN' }).click();
  await expect(page.getByText('Your PIN is set')).toBeVisible();
  await checkScreen(page, 'pin-set-done');

  const key = (await bridge.state()).keys[0]!;
  expect(key.pinSet).toBe(true);
  expect(key.pinRetries).toBe(8);
  expect(await pinWorks(page, '2468')).toEqual({ ok: true });
});

test('changes the PIN: the new one works, the old one does not', async ({ page, bridge }) => {
  await bridge.setPin('1234');
  await openPin(page, bridge);
  const form = page.getByRole('form', { name: 'Change the PIN' });
  await expect(form).toBeVisible();
  await expect(form.getByTestId('retries-line')).toContainText('8');
  await checkScreen(page, 'pin-change-form');

  await form.getByLabel('Current PIN').fill('1234');
  await form.getByLabel('New PIN', { exact: true }).fill('975310');
  await form.getByLabel('Confirm new PIN').fill('975310');
  await form.getByRole('button', { name: 'Change PIN' }).click();
  await expect(page.getByText('Your PIN is changed')).toBeVisible();
  await checkScreen(page, 'pin-change-done');
  // No PIN is left in any store after submit...
  const stores = await page.evaluate(() => (window as any).__skmDebugSnapshot() as string);
  expect(stores.length).toBeGreaterThan(100);
  for (const pin of ['1234', '975310']) expect(stores).not.toContain(pin);
  // ...nor in the form, which comes back empty.
  await page.getByRole('button', { name: 'Done' }).click();
  const fields = form.locator('input[type=password]');
  await expect(fields).toHaveCount(3);
  expect(await fields.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(['', '', '']);

  expect(await pinWorks(page, '975310')).toEqual({ ok: true });
  expect(await pinWorks(page, '1234')).toEqual({ ok: false, code: 'WRONG_PIN' });
});

test('wrong PINs: tries count down, the key pauses after three, and locks when none are left', async ({ page, bridge }) => {
  test.setTimeout(120_000);
  await bridge.setPin('1234');
  await openPin(page, bridge);

  const attempt = async (expectCode: string) => {
    const form = page.getByRole('form', { name: 'Change the PIN' });
    await form.getByLabel('Current PIN').fill('0000');
    await form.getByLabel('New PIN', { exact: true }).fill('55556666');
    await form.getByLabel('Confirm new PIN').fill('55556666');
    await form.getByRole('button', { name: 'Change PIN' }).click();
    await expect(page.getByTestId('outcome')).toHaveAttribute('data-outcome', expectCode);
  };
  const replug = async () => {
    await bridge.unplug();
    await expect(page.getByRole('heading', { name: 'No key plugged in' })).toBeVisible();
    await bridge.plug();
    await expect(page.getByRole('form', { name: 'Change the PIN' })).toBeVisible();
  };

  await attempt('WRONG_PIN');
  await expect(page.getByRole('alert')).toContainText('That PIN is not right');
  await expect(page.getByRole('alert')).toContainText('7');
  await checkScreen(page, 'pin-wrong');
  await attempt('WRONG_PIN');
  await attempt('PIN_TEMPORARILY_BLOCKED'); // third in a row: PIN_AUTH_BLOCKED
  await expect(page.getByRole('alert')).toContainText('The key has paused PIN entry');
  await checkScreen(page, 'pin-temporarily-blocked');
  expect((await bridge.state()).keys[0]!.pinRetries).toBe(5);
  // Until a power cycle the key refuses without spending a try.
  await attempt('PIN_TEMPORARILY_BLOCKED');
  expect((await bridge.state()).keys[0]!.pinRetries).toBe(5);

  await replug();
  await attempt('WRONG_PIN');
  await attempt('WRONG_PIN');
  await expect(page.getByRole('alert')).toContainText('3');
  await attempt('PIN_TEMPORARILY_BLOCKED');
  await replug();
  await attempt('WRONG_PIN');
  await attempt('PIN_BLOCKED');
  await expect(page.getByRole('alert').first()).toContainText('The PIN is locked');
  expect((await bridge.state()).keys[0]!.pinRetries).toBe(0);
  await expect(page.getByRole('button', { name: 'Go to factory reset' }).first()).toBeVisible();
  await checkScreen(page, 'pin-blocked');

  // Even the right PIN is refused now.
  expect(await pinWorks(page, '1234')).toEqual({ ok: false, code: 'PIN_BLOCKED' });
});

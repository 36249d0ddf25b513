/**
 * The guarded factory reset end to end (CTAP 2.1 §6.6 authenticatorReset): refused without the
 * user's acknowledgement, refused while two keys are plugged in, "too late" (CTAP2_ERR_NOT_ALLOWED
 * after the key's reset window) and then done after another replug.
 */
import type { Page } from '@playwright/test';
import { test, expect, openApp, goTo, checkScreen, callApi, type BridgeHandle } from './fixtures.js';

const KEY = 'memory:key-1';

type R<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

async function walkToConfirm(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Start factory reset' }).click();
  const understand = page.getByLabel('I understand that everything listed above will be erased');
  await expect(understand).toBeVisible();
  const next = page.getByRole('button', { name: 'Continue' });
  await expect(next).toBeDisabled();
  await understand.check();
  await next.click();
  await page.getByLabel('Yes, I have another way to sign in').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'Step 3 of 4: Confirm' })).toBeVisible();
}

async function phase(page: Page, p: string): Promise<void> {
  await expect(page.getByTestId('reset-live')).toHaveAttribute('data-phase', p);
}

async function resetStatus(page: Page): Promise<{ phase: string; outcome?: { code: string } }> {
  const r = await callApi<R<{ phase: string; outcome?: { code: string } }>>(page, 'getResetStatus');
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

test('nothing is erased without the acknowledgements', async ({ page, bridge }) => {
  await bridge.setPin('1234');
  await openApp(page, bridge);
  await goTo(page, 'Factory reset');
  await checkScreen(page, 'reset-start');
  await page.getByRole('button', { name: 'Start factory reset' }).click();
  await expect(page.getByTestId('reset-losses')).toBeVisible();
  await checkScreen(page, 'reset-step-losses');
  // Each loss is said once: the key's own list and the organisation's line do not repeat each other.
  const losses = await page.getByTestId('reset-losses').getByRole('listitem').allInnerTexts();
  expect(losses.filter((l) => /\bPIN\b/.test(l))).toHaveLength(1);
  expect(losses.filter((l) => /undo/.test(l))).toHaveLength(1);
  expect(losses.filter((l) => /NHSmail portal/.test(l))).toHaveLength(1);
  // The wizard will not go on without "I understand".
  await expect(page.getByRole('button', { name: 'Continue' })).toBeDisabled();
  await page.getByLabel('I understand that everything listed above will be erased').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('No, or I am not sure').check();
  await expect(page.getByTestId('reset-no-backup')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Continue' })).toHaveCount(0);
  await checkScreen(page, 'reset-step-no-backup');
  await page.getByLabel('Yes, I have another way to sign in').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  const start = page.getByRole('button', { name: 'Start reset' });
  await expect(start).toBeDisabled();
  await page.getByLabel('Type RESET to confirm').fill('reset');
  await expect(start).toBeDisabled();
  await checkScreen(page, 'reset-step-confirm');

  // The service itself refuses a reset whose acknowledgements are missing, or without a preparation.
  const prep = await callApi<R<{ confirmationToken: string }>>(page, 'prepareReset', KEY);
  expect(prep.ok).toBe(true);
  const token = prep.ok ? prep.value.confirmationToken : '';
  for (const ack of [
    { confirmationToken: token, understandsLoss: false, hasBackupSignIn: true },
    { confirmationToken: token, understandsLoss: true, hasBackupSignIn: false },
    { confirmationToken: 'not-the-token', understandsLoss: true, hasBackupSignIn: true },
  ]) {
    const r = await callApi<R<unknown>>(page, 'startReset', KEY, ack);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('RESET_NOT_CONFIRMED');
  }
  const malformed = await callApi<R<unknown>>(page, 'startReset', KEY, { confirmationToken: token, understandsLoss: 'yes', hasBackupSignIn: true });
  expect(malformed.ok).toBe(false);
  if (!malformed.ok) expect(malformed.error.code).toBe('INVALID_ARGUMENT');
  const state = (await bridge.state()).keys[0]!;
  expect(state.pinSet).toBe(true);
  expect(state.pluggedIn).toBe(true);
});

test.describe('with two keys plugged in', () => {
  test.use({ bridgeLaunch: { keys: 2 } });

  test('the reset is refused until only one key is left', async ({ page, bridge }) => {
    await openApp(page, bridge);
    await expect(page.getByTestId('key-item')).toHaveCount(2);
    await checkScreen(page, 'keys-two');
    await goTo(page, 'Factory reset');
    await expect(page.getByRole('heading', { name: 'Choose a key' })).toBeVisible();
    await checkScreen(page, 'choose-a-key');
    await page.getByRole('button', { name: /^Use .*E2E00001/ }).click();
    await expect(page.getByRole('alert')).toContainText('More than one key is plugged in');
    await expect(page.getByRole('button', { name: 'Start factory reset' })).toBeDisabled();
    await checkScreen(page, 'reset-two-keys');

    const r = await callApi<R<unknown>>(page, 'prepareReset', KEY);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('MULTIPLE_KEYS');

    await bridge.unplug('memory:key-2');
    await expect(page.getByRole('button', { name: 'Start factory reset' })).toBeEnabled();
  });
});

test('too late after a slow replug, then done after another replug', async ({ page, bridge }) => {
  test.setTimeout(120_000);
  await bridge.setPin('1234');
  await openApp(page, bridge);
  await goTo(page, 'Factory reset');
  await walkToConfirm(page);
  await page.getByLabel('Type RESET to confirm').fill('RESET');
  await page.getByRole('button', { name: 'Start reset' }).click();

  await phase(page, 'unplug');
  await expect(page.getByTestId('reset-live').getByText('Unplug your key now')).toBeVisible();
  await checkScreen(page, 'reset-unplug');
  await bridge.unplug();
  await phase(page, 'replug');
  await expect(page.getByTestId('reset-live').getByText('Plug your key back in now')).toBeVisible();
  await checkScreen(page, 'reset-replug');

  // The key comes back, but as if 11 s had passed since it got power: outside its 10 s window.
  await bridge.plug(undefined, 11_000);
  await expect.poll(async () => (await resetStatus(page)).outcome?.code).toBe('RESET_TOO_LATE');
  await phase(page, 'unplug');
  expect((await bridge.state()).keys[0]!.pinSet).toBe(true);
  await checkScreen(page, 'reset-too-late');

  // Second try: the key waits for a touch this time, which the user gives.
  await bridge.presence('manual');
  await bridge.unplug();
  await phase(page, 'replug');
  await bridge.plug();
  await phase(page, 'touch');
  await expect(page.getByTestId('touch-needed')).toBeVisible();
  await checkScreen(page, 'reset-touch');
  await bridge.touch();
  await expect(page.getByText('Your key has been reset', { exact: true })).toBeVisible();
  await checkScreen(page, 'reset-done');
  const key = (await bridge.state()).keys[0]!;
  expect(key.pinSet).toBe(false);
  expect(key.pinRetries).toBe(8);
  expect((await resetStatus(page)).phase).toBe('done');

  // The next step offered is a new PIN.
  await page.getByRole('button', { name: 'Set a new PIN' }).click();
  await expect(page.getByRole('form', { name: 'Set a PIN' })).toBeVisible();
});

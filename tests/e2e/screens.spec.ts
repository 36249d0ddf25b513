/**
 * Every screen of the app, saved as a screenshot and scanned for accessibility problems: the
 * keys list (empty, one key, demo key), overview, passkeys, key settings, with the use cases they
 * carry (support report, passkey list, a settings change, demo mode with on-screen touches).
 */
import { test, expect, openApp, goTo, checkScreen, callApi } from './fixtures.js';

test.describe('with no key plugged in', () => {
  test.use({ bridgeLaunch: { keys: 0 } });

  test('the keys screen explains how to plug a key in, and a key appears when plugged', async ({ page, bridge }) => {
    await openApp(page, bridge);
    await expect(page.getByTestId('keys-empty')).toBeVisible();
    await expect(page.getByRole('heading', { name: 'No security key found' })).toBeVisible();
    await checkScreen(page, 'keys-empty');
    await goTo(page, 'PIN');
    await expect(page.getByRole('heading', { name: 'No key plugged in' })).toBeVisible();
    await checkScreen(page, 'pin-no-key');
    await bridge.addKey();
    await expect(page.getByRole('form', { name: 'Set a PIN' })).toBeVisible();
  });
});

test('keys, overview and support report', async ({ page, bridge }) => {
  await bridge.setPin('735190');
  await openApp(page, bridge);
  await expect(page.getByTestId('key-item')).toContainText('PIN set');
  await checkScreen(page, 'keys');
  await page.getByRole('button', { name: 'Identify' }).click();
  await expect(page.getByText('Look for the key whose light is flashing')).toBeVisible();

  await page.getByRole('button', { name: 'Manage this key' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Key overview' })).toBeVisible();
  await expect(page.getByTestId('pin-retries')).toContainText('8');
  await checkScreen(page, 'overview');

  // The support report carries no PIN (Chromium refuses clipboard access here, so it is shown to copy by hand).
  const report = await callApi<{ ok: boolean; value: string }>(page, 'getSupportReport', 'memory:key-1');
  expect(report.ok).toBe(true);
  expect(report.value).toContain('E2E00001');
  expect(report.value).not.toContain('735190');
});

test('passkeys: the PIN unlocks the list', async ({ page, bridge }) => {
  await bridge.setPin('1234');
  await openApp(page, bridge);
  await goTo(page, 'Passkeys');
  await checkScreen(page, 'passkeys-locked');
  await page.getByLabel('PIN', { exact: true }).fill('9999');
  await page.getByRole('button', { name: 'Show passkeys' }).click();
  await expect(page.getByTestId('outcome')).toHaveAttribute('data-outcome', 'WRONG_PIN');
  await page.getByLabel('PIN', { exact: true }).fill('1234');
  await page.getByRole('button', { name: 'Show passkeys' }).click();
  await expect(page.getByTestId('passkey-list')).toContainText('There are no passkeys on this key.');
  await checkScreen(page, 'passkeys-list');
  await page.getByRole('button', { name: 'Close the list' }).click();
  await expect(page.getByRole('button', { name: 'Show passkeys' })).toBeVisible();
});

test('key settings: a longer minimum PIN length is saved on the key', async ({ page, bridge }) => {
  await bridge.setPin('1234');
  await openApp(page, bridge);
  await goTo(page, 'Key settings');
  await checkScreen(page, 'settings');
  await page.getByLabel('Minimum PIN length').fill('6');
  await page.getByLabel('PIN', { exact: true }).fill('1234');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Settings saved', { exact: true })).toBeVisible();
  await checkScreen(page, 'settings-saved');
  const info = await callApi<{ ok: boolean; value: { pin: { minPINLength: number } } }>(page, 'getKeyInfo', 'memory:key-1');
  expect(info.value.pin.minPINLength).toBe(6);
});

test.describe('demo mode', () => {
  test.use({ bridgeLaunch: { keys: 0 } });

  test('the demo key is added and its touches are played on screen', async ({ page, bridge }) => {
    await openApp(page, bridge);
    // A controlled switch: it flips once the service has answered.
    const demoSwitch = page.getByRole('switch', { name: 'Try the demo key' });
    await demoSwitch.click();
    await expect(demoSwitch).toBeChecked();
    await expect(page.getByTestId('demo-banner')).toBeVisible();
    await expect(page.getByTestId('key-item')).toHaveCount(1);
    await checkScreen(page, 'keys-demo');
    await goTo(page, 'Touch test');
    await page.getByRole('button', { name: 'Test touch' }).click();
    await expect(page.getByTestId('demo-touch-controls')).toBeVisible();
    await checkScreen(page, 'touch-demo-waiting');
    await page.getByRole('button', { name: 'Touch the demo key' }).click();
    await expect(page.getByText('Touch received', { exact: true })).toBeVisible();
    await goTo(page, 'Keys', 'Security keys');
    await page.getByRole('switch', { name: 'Try the demo key' }).click();
    await expect(page.getByRole('switch', { name: 'Try the demo key' })).not.toBeChecked();
    await expect(page.getByTestId('keys-empty')).toBeVisible();
  });
});

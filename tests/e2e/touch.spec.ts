/**
 * Touch test end to end (CTAP 2.1 §6.9 authenticatorSelection): the key asks for a touch
 * (keepalive UP_NEEDED), the user touches or declines it.
 */
import { test, expect, openApp, goTo, checkScreen } from './fixtures.js';

test.use({ bridgeLaunch: { presence: 'manual' } });

test('the key waits for a touch, then the test reports it', async ({ page, bridge }) => {
  await openApp(page, bridge);
  await goTo(page, 'Touch test');
  await checkScreen(page, 'touch-start');
  await page.getByRole('button', { name: 'Test touch' }).click();
  await expect(page.getByTestId('touch-needed')).toBeVisible();
  await checkScreen(page, 'touch-waiting');
  await bridge.touch();
  await expect(page.getByText('Touch received', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Test touch' })).toBeEnabled();
  await checkScreen(page, 'touch-done');
});

test('a declined touch is reported and nothing changes', async ({ page, bridge }) => {
  await openApp(page, bridge);
  await goTo(page, 'Touch test');
  await page.getByRole('button', { name: 'Test touch' }).click();
  await expect(page.getByTestId('touch-needed')).toBeVisible();
  await bridge.refuse();
  await expect(page.getByTestId('outcome')).toHaveAttribute('data-outcome', 'TOUCH_REFUSED');
  await expect(page.getByRole('alert')).toContainText('The touch was declined');
  await checkScreen(page, 'touch-refused');
});

test('a waiting touch test can be cancelled', async ({ page, bridge }) => {
  await openApp(page, bridge);
  await goTo(page, 'Touch test');
  await page.getByRole('button', { name: 'Test touch' }).click();
  await expect(page.getByTestId('touch-needed')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('outcome')).toHaveAttribute('data-outcome', 'CANCELLED');
  await expect(page.getByTestId('touch-needed')).toBeHidden();
});

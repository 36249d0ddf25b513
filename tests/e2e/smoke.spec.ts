import { test, expect, openApp, checkScreen } from './fixtures.js';

test('smoke', async ({ page, bridge }) => {
  await openApp(page, bridge);
  await expect(page.getByTestId('key-item')).toHaveCount(1);
  await checkScreen(page, 'smoke');
});

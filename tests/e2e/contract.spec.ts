/**
 * The page sees the same contract in the browser as in Electron: window.skm has exactly one
 * function per contract method plus onEvent, cannot be replaced, and pushes key events.
 */
import { SKM_METHODS } from '../../electron/ipc-validation.js';
import { test, expect, openApp } from './fixtures.js';

test('window.skm is the contract, frozen', async ({ page, bridge }) => {
  await openApp(page, bridge);
  const shape = await page.evaluate(() => {
    const api = (window as any).skm;
    return {
      keys: Object.keys(api).sort(),
      allFunctions: Object.values(api).every((v) => typeof v === 'function'),
      frozen: Object.isFrozen(api),
      replaceable: (() => {
        try {
          (window as any).skm = {};
        } catch {
          /* strict mode would throw */
        }
        return (window as any).skm !== api;
      })(),
    };
  });
  expect(shape.keys).toEqual([...SKM_METHODS, 'onEvent'].sort());
  expect(shape.allFunctions).toBe(true);
  expect(shape.frozen).toBe(true);
  expect(shape.replaceable).toBe(false);
});

test('key events reach the page: unplug and plug', async ({ page, bridge }) => {
  await openApp(page, bridge);
  await page.evaluate(() => {
    (window as any).__events = [];
    (window as any).skm.onEvent((e: unknown) => (window as any).__events.push(e));
  });
  await bridge.unplug();
  // A person takes longer than one key poll to plug a key back in; wait until the removal was seen.
  const keyEvents = () => page.evaluate(() => (window as any).__events.filter((e: any) => e.type === 'keys-changed').length);
  await expect.poll(keyEvents).toBe(1);
  await bridge.plug();
  await expect
    .poll(async () => page.evaluate(() => (window as any).__events.filter((e: any) => e.type === 'keys-changed').map((e: any) => [e.removed, e.added])))
    .toEqual([
      [['memory:key-1'], []],
      [[], ['memory:key-1']],
    ]);
});

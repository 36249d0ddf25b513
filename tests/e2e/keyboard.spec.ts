/**
 * Keyboard-only use end to end (no pointer at all): the skip link, the main navigation, a first
 * PIN (CTAP 2.1 §6.5.5.5 setPIN) and the touch test (§6.9 authenticatorSelection, keepalive
 * UP_NEEDED). Every control that takes focus must show a focus indicator that it does not show
 * unfocused, and each status change must reach the polite live region.
 */
import type { ElementHandle, Page } from '@playwright/test';
import { test, expect, openApp, checkScreen } from './fixtures.js';

// The key waits for a touch, so the "Touch your key now" state can be seen and announced.
test.use({ bridgeLaunch: { presence: 'manual' } });

interface Look {
  focusVisible: boolean;
  outlineStyle: string;
  outlineWidth: number;
  outlineColor: string;
  boxShadow: string;
}

interface Focused {
  name: string;
  tag: string;
  inNav: boolean;
  look: Look;
}

/**
 * What the element is and the focus indicator it draws right now (outline or box-shadow). Runs in
 * the page, so it is self-contained.
 */
function inspect(el: Element): Focused & { connected: boolean } {
  const cs = getComputedStyle(el);
  const labelled = (el as HTMLInputElement).labels?.[0]?.textContent;
  return {
    connected: el.isConnected,
    name: (el.getAttribute('aria-label') ?? labelled ?? el.textContent ?? '').trim(),
    tag: el.tagName.toLowerCase(),
    inNav: !!el.closest('nav[aria-label="Main"]'),
    look: {
      focusVisible: el.matches(':focus-visible'),
      outlineStyle: cs.outlineStyle,
      outlineWidth: parseFloat(cs.outlineWidth) || 0,
      outlineColor: cs.outlineColor,
      boxShadow: cs.boxShadow,
    },
  };
}

function hasIndicator(l: Look): boolean {
  const outline = l.outlineStyle !== 'none' && l.outlineWidth >= 2 && !/rgba\(.*,\s*0\)$/.test(l.outlineColor) && l.outlineColor !== 'transparent';
  return outline || (l.boxShadow !== 'none' && l.boxShadow !== '');
}

/**
 * Follows keyboard focus: each newly focused element must match :focus-visible and draw an
 * indicator; the one it left must no longer draw that same indicator.
 */
class FocusWatch {
  private last?: { handle: ElementHandle<Element>; look: Look; name: string };

  constructor(private readonly page: Page) {}

  /** Checks the element that has focus now and returns what it is. */
  async check(): Promise<Focused> {
    const handle = (await this.page.evaluateHandle(() => document.activeElement)) as ElementHandle<Element>;
    const now = await handle.evaluate(inspect);
    expect(now.tag, 'focus is on an element, not lost to the page').not.toBe('body');
    expect(now.look.focusVisible, `"${now.name}" matches :focus-visible`).toBe(true);
    expect(hasIndicator(now.look), `"${now.name}" draws a focus indicator: ${JSON.stringify(now.look)}`).toBe(true);
    const prev = this.last;
    if (prev && !(await this.page.evaluate(([a, b]) => a === b, [prev.handle, handle] as const))) {
      const after = await prev.handle.evaluate(inspect);
      // An element that left the page (a replaced button) has nothing left to compare.
      if (after.connected) {
        const unfocused = after.look;
        expect(unfocused.focusVisible, `"${prev.name}" lost :focus-visible when focus moved on`).toBe(false);
        expect(
          { s: unfocused.outlineStyle, w: unfocused.outlineWidth, c: unfocused.outlineColor, b: unfocused.boxShadow },
          `"${prev.name}" looks different focused and unfocused`,
        ).not.toEqual({ s: prev.look.outlineStyle, w: prev.look.outlineWidth, c: prev.look.outlineColor, b: prev.look.boxShadow });
      }
    }
    this.last = { handle, look: now.look, name: now.name };
    return now;
  }

  /** Presses `key` until focus is on the control named `name` (checking every stop on the way). */
  async moveTo(key: 'Tab' | 'Shift+Tab', name: string, max = 20): Promise<Focused> {
    for (let i = 0; i < max; i++) {
      await this.page.keyboard.press(key);
      const f = await this.check();
      if (f.name === name) return f;
    }
    throw new Error(`"${name}" was not reached with ${key} in ${max} presses`);
  }
}

async function activeIs(page: Page): Promise<{ id: string; tag: string; text: string }> {
  return page.evaluate(() => {
    const el = document.activeElement!;
    return { id: el.id, tag: el.tagName.toLowerCase(), text: (el.textContent ?? '').trim() };
  });
}

test('keyboard only: skip link, navigation, a first PIN and the touch test, all seen and announced', async ({ page, bridge }) => {
  await openApp(page, bridge);
  const focus = new FocusWatch(page);
  const live = page.getByTestId('live-region');

  // The first Tab stop is the skip link, shown on screen once it has focus.
  await page.keyboard.press('Tab');
  const skip = await focus.check();
  expect(skip.name).toBe('Skip to main content');
  const box = await page.getByRole('link', { name: 'Skip to main content' }).boundingBox();
  expect(box && box.y >= 0 && box.height > 0, 'the focused skip link is inside the viewport').toBe(true);
  await checkScreen(page, 'keyboard-skip-link');
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await activeIs(page)).id).toBe('main');

  // From main, Shift+Tab leads back into the main navigation; walk it to PIN.
  await page.keyboard.press('Shift+Tab');
  const navStop = await focus.check();
  expect(navStop.inNav, 'Shift+Tab from main lands in the main navigation').toBe(true);
  if (navStop.name !== 'PIN') expect((await focus.moveTo('Shift+Tab', 'PIN')).inNav).toBe(true);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'PIN' })).toBeVisible();
  // The screen's heading takes focus, so the next Tab starts inside the screen.
  await expect.poll(async () => activeIs(page)).toEqual({ id: 'h-pin', tag: 'h1', text: 'PIN' });
  await focus.check();

  // A first PIN, typed, and submitted with Enter.
  await focus.moveTo('Tab', 'New PIN', 3);
  await page.keyboard.type('2468');
  await focus.moveTo('Tab', 'Confirm new PIN', 3);
  await page.keyboard.type('2468');
  // The submit button shows focus too; then back to the field and Enter submits the form.
  await focus.moveTo('Tab', 'Set PIN', 3);
  await focus.moveTo('Shift+Tab', 'Confirm new PIN', 3);
  await page.keyboard.press('Enter');
  await expect(page.getByText('Your PIN is set')).toBeVisible();
  await expect(live).toHaveText('PIN set.');
  // Focus follows the outcome (the form and its button are gone) and shows where it is.
  await expect.poll(async () => (await activeIs(page)).text).toBe('Your PIN is set');
  await focus.check();
  await checkScreen(page, 'keyboard-pin-set');
  const key = (await bridge.state()).keys[0]!;
  expect(key.pinSet).toBe(true);
  expect(key.pinRetries).toBe(8);

  // The touch test, by keyboard: back into the navigation, Touch test, then Space on the button.
  const back = await focus.moveTo('Shift+Tab', 'Touch test');
  expect(back.inNav).toBe(true);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Touch test' })).toBeVisible();
  await expect.poll(async () => (await activeIs(page)).id).toBe('h-touch');
  await focus.moveTo('Tab', 'Test touch', 3);
  await page.keyboard.press('Space');
  await expect(page.getByTestId('touch-needed')).toContainText('Touch your key now');
  await expect(live).toHaveText('Touch your key now.');
  // The pressed button is replaced by Cancel, and focus goes with it.
  await expect.poll(async () => (await activeIs(page)).text).toBe('Cancel');
  await focus.check();
  await checkScreen(page, 'keyboard-touch-waiting');

  await bridge.touch();
  await expect(page.getByText('Touch received', { exact: true })).toBeVisible();
  await expect(live).toHaveText('Touch received. Your key works.');
  await expect(page.getByTestId('touch-needed')).toBeHidden();
  await expect.poll(async () => (await activeIs(page)).text).toBe('Test touch');
  await focus.check();

  // Enter works on the button as well as Space: a second test, declined on the key this time.
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('touch-needed')).toBeVisible();
  await bridge.refuse();
  await expect(page.getByTestId('outcome')).toHaveAttribute('data-outcome', 'TOUCH_REFUSED');
  await expect(page.getByRole('alert')).toContainText('The touch was declined');
});

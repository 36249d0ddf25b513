/**
 * A current PIN that no key can hold (under 4 UTF-8 bytes, over 63 bytes, or ending in a 0x00
 * byte, CTAP 2.1 §6.5.1 / CTAP 2.0 minimum of 4 bytes) is refused before it is sent: no PIN try
 * is used, and typing a too-short PIN three times does not block the key until replug.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MARKER_PIN, MARKER_PIN_2, Rig, addPasskey, errorOf } from './helpers.js';

const IMPOSSIBLE: [string, string][] = [
  ['two digits', '12'],
  ['one digit', '1'],
  ['three UTF-8 bytes (two code points)', '\u00e9a'],
  ['64 bytes', 'x'.repeat(64)],
  ['32 two-byte characters (64 bytes)', '\u00e9'.repeat(32)],
  ['a trailing NUL', '1234\u0000'],
];

function expectNothingSent(e: { outcome: string; details: Record<string, unknown>; message: string }): void {
  expect(e.outcome).toBe('INVALID_ARGUMENT');
  expect(e.message).toBe("That cannot be this key's PIN: a PIN is 4 to 63 bytes long and no key accepts a shorter one. Nothing was sent, so no try was used.");
  expect(e.details.hint).toBe('Check the PIN and try again.');
  expect(e.details.retriesLeft).toBeUndefined();
}

describe('a current PIN that cannot be right costs no try', () => {
  let rig: Rig;
  afterEach(async () => rig.close());

  async function keyWithPin() {
    rig = new Rig();
    const k = rig.addKey('a');
    const s = rig.start();
    await s.setPin(k.path, MARKER_PIN, MARKER_PIN);
    await addPasskey(k.key, MARKER_PIN, 'example.org', 'alice');
    expect(k.key.snapshot().pinRetries).toBe(8);
    return { ...k, s };
  }

  it.each(IMPOSSIBLE)('listPasskeys, previewReset and updateSettings refuse %s without sending it', async (_name, pin) => {
    const { key, path, s } = await keyWithPin();
    expectNothingSent(await errorOf(s.listPasskeys(path, pin)));
    expectNothingSent(await errorOf(s.previewReset(path, pin)));
    expectNothingSent(await errorOf(s.updateSettings(path, pin, { forcePINChange: true })));
    expect(key.snapshot().pinRetries).toBe(8);
    expect(key.snapshot().forcePinChange).toBe(false);
    expect(rig.transcript()).not.toContain(MARKER_PIN);
  });

  it.each(IMPOSSIBLE)('changePin refuses a current PIN of %s without sending it', async (_name, pin) => {
    const { key, path, s } = await keyWithPin();
    expectNothingSent(await errorOf(s.changePin(path, pin, MARKER_PIN_2, MARKER_PIN_2)));
    expect(key.snapshot().pinRetries).toBe(8);
  });

  it('three impossible current PINs in a row neither use tries nor block the key until replug', async () => {
    const { key, path, s } = await keyWithPin();
    for (let i = 0; i < 3; i++) expectNothingSent(await errorOf(s.changePin(path, '1', MARKER_PIN_2, MARKER_PIN_2)));
    expect(key.snapshot()).toMatchObject({ pinRetries: 8, powerCycleBlocked: false });
    // The right PIN still works at once: no replug needed.
    await s.changePin(path, MARKER_PIN, MARKER_PIN_2, MARKER_PIN_2);
    const { list } = await s.listPasskeys(path, MARKER_PIN_2);
    expect(list.existingCount).toBe(1);
  });

  it('a possible but wrong PIN at the limits (4 bytes, 63 bytes) is still sent and costs one try each', async () => {
    const { key, path, s } = await keyWithPin();
    const four = await errorOf(s.listPasskeys(path, '\u00e9\u00e9')); // 2 code points, 4 bytes: a CTAP 2.0 key may hold it
    expect(four.outcome).toBe('WRONG_PIN');
    expect(four.details.retriesLeft).toBe(7);
    const sixtyThree = await errorOf(s.listPasskeys(path, 'y'.repeat(63)));
    expect(sixtyThree.outcome).toBe('WRONG_PIN');
    expect(key.snapshot().pinRetries).toBe(6);
  });
});

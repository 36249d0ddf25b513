import { describe, expect, it, vi } from 'vitest';
import { PinUvAuthToken } from '../../../src/ctap2/client-pin.js';
import { PinUvAuthProtocolTwo } from '../../../src/pin/protocol.js';
import { PasskeySessions } from '../../../src/usecases/passkeys.js';
import { wink } from '../../../src/usecases/touch.js';
import type { CtapHidDevice } from '../../../src/ctaphid/device.js';

const token = () => new PinUvAuthToken(new PinUvAuthProtocolTwo(), new Uint8Array(32).fill(0xab), 0x04);

describe('passkey sessions', () => {
  it('hold the token, zero it on close, and refuse a closed session', () => {
    const s = new PasskeySessions();
    const t = token();
    const id = s.open('key-1', t);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(s.use(id).token).toBe(t);
    s.close(id);
    expect(t.token.every((b) => b === 0)).toBe(true);
    expect(() => s.use(id)).toThrow(/closed/);
  });

  it('end after the idle time, and with their key', () => {
    vi.useFakeTimers();
    try {
      const s = new PasskeySessions(1_000);
      const a = token();
      const b = token();
      const idA = s.open('key-1', a);
      const idB = s.open('key-2', b);
      vi.advanceTimersByTime(900);
      s.use(idA); // restarts the idle clock
      vi.advanceTimersByTime(900);
      expect(s.use(idA).keyId).toBe('key-1');
      expect(() => s.use(idB)).toThrow();
      expect(b.token.every((x) => x === 0)).toBe(true);
      s.closeForKey('key-1');
      expect(s.size).toBe(0);
      expect(a.token.every((x) => x === 0)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('identify', () => {
  it('a key without the wink capability: NOT_SUPPORTED, nothing sent', async () => {
    let sent = 0;
    const device = {
      init: { capabilities: { wink: false, cbor: true, nmsg: false, raw: 4 } },
      wink: async () => {
        sent++;
      },
    } as unknown as CtapHidDevice;
    await expect(wink(device)).rejects.toMatchObject({ outcome: 'NOT_SUPPORTED' });
    expect(sent).toBe(0);
  });
});

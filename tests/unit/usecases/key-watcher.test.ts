import { describe, expect, it, vi } from 'vitest';
import type { DeviceProvider, HidDeviceDescriptor } from '../../../src/transport/connection.js';
import { KeyWatcher, type KeysChange } from '../../../src/usecases/key-watcher.js';

function fakeProvider(initial: HidDeviceDescriptor[] = []) {
  const state = { list: initial, calls: 0, fail: undefined as Error | undefined };
  const provider: DeviceProvider = {
    list: async () => {
      state.calls++;
      if (state.fail) throw state.fail;
      return state.list.map((d) => ({ ...d }));
    },
    open: async () => {
      throw new Error('not used');
    },
  };
  return { provider, state };
}
const dev = (path: string, serialNumber?: string): HidDeviceDescriptor => ({ path, transport: 'usb', vendorId: 0x1050, productId: 0x0407, ...(serialNumber ? { serialNumber } : {}) });

describe('KeyWatcher', () => {
  it('diffs polls into added and removed, and stays quiet when nothing changed', async () => {
    const a = fakeProvider([dev('/dev/hidraw1')]);
    const b = fakeProvider([]);
    const w = new KeyWatcher(() => [{ provider: a.provider }, { provider: b.provider, isDemo: true }]);
    const changes: KeysChange[] = [];
    w.observe((c) => changes.push(c));
    expect(await w.poll()).toMatchObject({ added: ['/dev/hidraw1'], removed: [] });
    expect(await w.poll()).toBeUndefined();
    b.state.list = [{ ...dev('memory:demo'), transport: 'memory' }];
    a.state.list = [];
    const c = await w.poll();
    expect(c).toMatchObject({ added: ['memory:demo'], removed: ['/dev/hidraw1'] });
    expect(c!.keys[0]!.isDemo).toBe(true);
    expect(w.providerOf('memory:demo')).toBe(b.provider);
    expect(changes).toHaveLength(2);
  });

  it('a path that now names another key counts as removed and added', async () => {
    const a = fakeProvider([dev('/dev/hidraw1', 'S1')]);
    const w = new KeyWatcher(() => [{ provider: a.provider }]);
    await w.poll();
    a.state.list = [dev('/dev/hidraw1', 'S2')];
    expect(await w.poll()).toMatchObject({ added: ['/dev/hidraw1'], removed: ['/dev/hidraw1'] });
  });

  it('a failing provider is reported and lists nothing; the others still count', async () => {
    const a = fakeProvider([dev('/dev/hidraw1')]);
    const b = fakeProvider([dev('/dev/hidraw2')]);
    b.state.fail = new Error('node-hid missing');
    const errors: unknown[] = [];
    const w = new KeyWatcher(() => [{ provider: a.provider }, { provider: b.provider }], 250, (e) => errors.push(e));
    expect((await w.refresh()).map((k) => k.id)).toEqual(['/dev/hidraw1']);
    expect(errors).toHaveLength(1);
  });

  it('polls every interval only while someone listens, on unref-ed timers', async () => {
    vi.useFakeTimers();
    try {
      const a = fakeProvider([dev('/dev/hidraw1')]);
      const w = new KeyWatcher(() => [{ provider: a.provider }], 250);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(a.state.calls).toBe(0);
      const seen: KeysChange[] = [];
      const stop = w.onChange((c) => seen.push(c));
      await vi.advanceTimersByTimeAsync(1);
      expect(seen).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(a.state.calls).toBeGreaterThanOrEqual(4);
      expect(a.state.calls).toBeLessThanOrEqual(6);
      expect(seen).toHaveLength(1);
      a.state.list = [];
      await vi.advanceTimersByTimeAsync(260);
      expect(seen).toHaveLength(2);
      stop();
      const calls = a.state.calls;
      await vi.advanceTimersByTimeAsync(2_000);
      expect(a.state.calls).toBe(calls);
    } finally {
      vi.useRealTimers();
    }
  });
});

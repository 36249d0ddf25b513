import { afterEach, describe, expect, it } from 'vitest';
import { api, call, hasApi, onEvent, whenApiReady } from '../../../renderer/src/api/client.js';
import { installFakeSkm, removeFakeSkm } from './fake-window.js';

afterEach(removeFakeSkm);

describe('api client (the one module that touches window.skm)', () => {
  it('answers an error envelope when there is no bridge', async () => {
    expect(hasApi()).toBe(false);
    const r = await api.listKeys();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('INTERNAL');
    expect(onEvent(() => {})).toBeTypeOf('function');
  });

  it('passes arguments and envelopes through unchanged', async () => {
    const fake = installFakeSkm({ getKeyInfo: (id) => ({ ok: false, error: { code: 'KEY_NOT_FOUND', message: `no ${String(id)}` } }) });
    const r = await call('getKeyInfo', 'k1');
    expect(fake.calls).toEqual([{ method: 'getKeyInfo', args: ['k1'] }]);
    expect(r).toEqual({ ok: false, error: { code: 'KEY_NOT_FOUND', message: 'no k1' } });
  });

  it('turns a rejected call into an error that does not echo the arguments', async () => {
    installFakeSkm({
      changePin: () => {
        throw new Error('failed with 1234 and 98765');
      },
    });
    const r = await api.changePin('k', '1234', '98765', '98765');
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).not.toMatch(/1234|98765/);
  });

  it('rejects a malformed answer', async () => {
    installFakeSkm({ listKeys: () => ({ keys: [] }) });
    const r = await api.listKeys();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('PROTOCOL');
  });

  it('delivers pushed events and unsubscribes', () => {
    const fake = installFakeSkm({});
    const got: string[] = [];
    const off = onEvent((e) => got.push(e.type));
    fake.emit({ type: 'demo-touch-wait', waiting: true });
    off();
    fake.emit({ type: 'demo-touch-wait', waiting: false });
    expect(got).toEqual(['demo-touch-wait']);
  });

  it('waits for a bridge that arrives a moment after start-up', async () => {
    const ready = whenApiReady(1000, 5);
    setTimeout(() => installFakeSkm({}), 20);
    expect(await ready).toBe(true);
    removeFakeSkm();
    expect(await whenApiReady(30, 5)).toBe(false);
  });
});

/**
 * The browser test bridge speaks the same contract as Electron main: same dispatch, same
 * validation, a sender check by origin, the same method list in its page-side client, and it
 * serves nothing outside the renderer directory.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SKM_METHODS } from '../../../electron/ipc-validation.js';
import { CONTENT_SECURITY_POLICY } from '../../../electron/csp.js';
import { bridgeClientScript } from '../../e2e/bridge/client-script.js';
import { startBridge, type Bridge } from '../../e2e/bridge/server.js';

let bridge: Bridge;
let origin: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skm-renderer-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>');
  writeFileSync(join(dir, 'app.js'), 'export {}');
  bridge = await startBridge({ rendererDir: dir, keys: 1 });
  origin = new URL(bridge.url).origin;
});

afterAll(async () => {
  await bridge?.close();
});

const post = async (path: string, body: unknown, headers: Record<string, string> = { origin }) =>
  (await fetch(`${origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })).json() as Promise<any>;

describe('bridge', () => {
  it('answers contract calls with the same envelopes as main', async () => {
    const keys = await post('/api/listKeys', []);
    expect(keys.ok).toBe(true);
    expect(keys.value.map((k: { id: string }) => k.id)).toEqual(['memory:key-1']);
    expect(await post('/api/getKeyInfo', [])).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await post('/api/setPin', ['memory:key-1', 'p'.repeat(257), 'p'])).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await post('/api/listKeys', 'not json')).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await post('/api/constructor', [])).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  it('refuses callers from another origin, or with no same-origin marker', async () => {
    expect(await post('/api/listKeys', [], { origin: 'https://evil.example' })).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
    expect(await post('/api/listKeys', [], {})).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
  });

  it('records allow-listed links instead of opening them, and refuses the rest', async () => {
    expect(await post('/api/openExternal', ['https://portal.nhs.net/x'])).toEqual({ ok: true });
    expect(await post('/api/openExternal', ['https://evil.example/'])).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(bridge.opened).toEqual(['https://portal.nhs.net/x']);
  });

  it('serves the renderer with the CSP and the client script, nothing outside it', async () => {
    const index = await fetch(bridge.url);
    expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await index.text()).toContain('<script src="/bridge-client.js"></script>');
    expect((await fetch(`${origin}/app.js`)).status).toBe(200);
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/nothing.js']) {
      expect((await fetch(`${origin}${path}`)).status, path).toBe(404);
    }
  });

  it('the page-side client defines one function per contract method plus onEvent, frozen', () => {
    const window: Record<string, any> = {};
    runInNewContext(bridgeClientScript(), { window, fetch: () => Promise.reject(new Error('offline')), EventSource: class {} });
    expect(Object.keys(window.skm).sort()).toEqual([...SKM_METHODS, 'onEvent'].sort());
    expect(Object.isFrozen(window.skm)).toBe(true);
    for (const m of SKM_METHODS) expect(window.skm[m].name).toBe(m);
  });

  it('the page-side client turns an unreachable bridge into an envelope', async () => {
    const window: Record<string, any> = {};
    runInNewContext(bridgeClientScript(), { window, fetch: () => Promise.reject(new Error('offline')), EventSource: class {} });
    expect(await window.skm.listKeys()).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
});

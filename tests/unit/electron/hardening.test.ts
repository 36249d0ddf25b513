/** Hardening handlers (electron/hardening.ts) on fake webContents, session and app objects. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../electron/csp.js';
import { hardenSession, hardenWebContents, installAppHardening } from '../../../electron/hardening.js';

function fakeContents() {
  const listeners = new Map<string, ((...args: any[]) => void)[]>();
  let openHandler: ((d: { url: string }) => { action: string }) | undefined;
  return {
    on(event: string, l: (...args: any[]) => void) {
      listeners.set(event, [...(listeners.get(event) ?? []), l]);
      return this;
    },
    setWindowOpenHandler(h: (d: { url: string }) => { action: 'deny' } | { action: 'allow' }) {
      openHandler = h;
    },
    /** Fire an event as Electron would; returns whether preventDefault was called. */
    fire(event: string, ...args: unknown[]) {
      let prevented = false;
      const e = { preventDefault: () => (prevented = true) };
      for (const l of listeners.get(event) ?? []) l(e, ...args);
      return prevented;
    },
    open(url: string) {
      return openHandler?.({ url });
    },
    listeners,
  };
}

function fakeSession() {
  const s = {
    requestHandler: undefined as any,
    checkHandler: undefined as any,
    deviceHandler: undefined as any,
    headersListener: undefined as any,
    setPermissionRequestHandler(h: any) {
      s.requestHandler = h;
    },
    setPermissionCheckHandler(h: any) {
      s.checkHandler = h;
    },
    setDevicePermissionHandler(h: any) {
      s.deviceHandler = h;
    },
    webRequest: {
      onHeadersReceived(l: any) {
        s.headersListener = l;
      },
    },
  };
  return s;
}

describe('hardenWebContents', () => {
  it('cancels every navigation (top frame and subframes), redirect and <webview>, handing navigations to the external opener', async () => {
    const c = fakeContents();
    const openExternal = vi.fn(async () => false);
    hardenWebContents(c, { openExternal });
    expect(c.fire('will-navigate', 'https://portal.nhs.net/')).toBe(true);
    expect(c.fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(c.fire('will-redirect', 'https://evil.example/')).toBe(true);
    expect(c.fire('will-frame-navigate', 'https://evil.example/')).toBe(true);
    expect(c.fire('will-attach-webview', {}, {})).toBe(true);
    expect(openExternal.mock.calls).toEqual([['https://portal.nhs.net/'], ['file:///etc/passwd']]);
  });

  it('denies every new window, passing the URL to the external opener only', () => {
    const c = fakeContents();
    const openExternal = vi.fn(() => {
      throw new Error('opener failed');
    });
    hardenWebContents(c, { openExternal });
    expect(c.open('https://portal.nhs.net/')).toEqual({ action: 'deny' });
    expect(c.open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledTimes(2);
  });
});

describe('hardenSession', () => {
  it('denies every permission request and check, and device access', () => {
    const s = fakeSession();
    hardenSession(s, { contentSecurityPolicy: CONTENT_SECURITY_POLICY });
    for (const permission of ['media', 'notifications', 'hid', 'usb', 'serial', 'clipboard-read', 'geolocation', 'openExternal']) {
      const cb = vi.fn();
      s.requestHandler({}, permission, cb, {});
      expect(cb).toHaveBeenCalledWith(false);
      expect(s.checkHandler({}, permission, 'file://', {})).toBe(false);
    }
    expect(s.deviceHandler({ deviceType: 'hid', origin: 'file://' })).toBe(false);
  });

  it('sets the CSP header on responses, replacing any policy a response brings', () => {
    const s = fakeSession();
    hardenSession(s, { contentSecurityPolicy: CONTENT_SECURITY_POLICY });
    const cb = vi.fn();
    s.headersListener({ url: 'file:///x/index.html', responseHeaders: { 'content-security-policy': ["default-src *"], 'X-Other': ['1'] } }, cb);
    const headers = cb.mock.calls[0]![0].responseHeaders;
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(headers['content-security-policy']).toBeUndefined();
    expect(headers['X-Other']).toEqual(['1']);
  });

  it('leaves headers alone in development (the dev server needs its own policy)', () => {
    const s = fakeSession();
    hardenSession(s, { contentSecurityPolicy: null });
    const cb = vi.fn();
    s.headersListener({ url: 'http://localhost:5173/', responseHeaders: {} }, cb);
    expect(cb).toHaveBeenCalledWith({});
  });
});

describe('CSP', () => {
  it('allows only the app’s own scripts: no inline script, no eval, no remote hosts', () => {
    const directives = Object.fromEntries(CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });

  it('the page carries the same policy in its meta tag, for loads where no header applies (file://)', () => {
    const html = readFileSync(join(__dirname, '..', '..', '..', 'renderer', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    // A meta tag cannot carry frame-ancestors (browsers ignore it there); everything else must match.
    const expected = CONTENT_SECURITY_POLICY.split('; ').filter((d) => !d.startsWith('frame-ancestors')).join('; ');
    expect(meta).toBe(expected);
  });
});

describe('installAppHardening', () => {
  it('hardens every webContents the app creates', () => {
    let created: ((e: unknown, c: ReturnType<typeof fakeContents>) => void) | undefined;
    const app = { on: (event: string, l: any) => (event === 'web-contents-created' ? (created = l) : undefined) };
    installAppHardening(app, { openExternal: () => false });
    const c = fakeContents();
    created!({}, c);
    expect(c.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(c.open('https://evil.example/')).toEqual({ action: 'deny' });
  });
});

/**
 * Electron hardening handlers (Electron security checklist): no navigation, no redirects, no new
 * windows, no <webview>, no permissions, a CSP header. Installed on objects passed in, so tests
 * drive them with fakes.
 */

/** Something with preventDefault: Electron's navigation events. */
export interface PreventableEvent {
  preventDefault(): void;
}

/** The part of WebContents hardened here. */
export interface WebContentsLike {
  on(event: string, listener: (...args: any[]) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
}

/** The part of Session hardened here. */
export interface SessionLike {
  setPermissionRequestHandler(
    handler: ((webContents: unknown, permission: string, callback: (granted: boolean) => void, details?: unknown) => void) | null,
  ): void;
  setPermissionCheckHandler(handler: ((...args: any[]) => boolean) | null): void;
  setDevicePermissionHandler?(handler: ((details: any) => boolean) | null): void;
  webRequest: {
    onHeadersReceived(
      listener: (
        details: { url: string; responseHeaders?: Record<string, string[] | string> },
        callback: (response: { responseHeaders?: Record<string, string[] | string>; cancel?: boolean }) => void,
      ) => void,
    ): void;
  };
}

/** The part of `app` used here. */
export interface AppLike {
  on(event: string, listener: (...args: any[]) => void): unknown;
}

export interface HardeningOptions {
  /**
   * Hand a URL the page tried to open or navigate to over to the allow-listed external opener
   * (external-links.ts); it decides whether the system browser opens it. Never throws.
   */
  openExternal(url: string): unknown;
}

/**
 * Harden one webContents: every navigation and redirect is cancelled (the app is one page), links
 * and window.open go to the external opener and never open an Electron window, <webview> is refused.
 */
export function hardenWebContents(contents: WebContentsLike, options: HardeningOptions): void {
  const handOver = (url: unknown) => {
    if (typeof url !== 'string') return;
    try {
      void Promise.resolve(options.openExternal(url)).catch(() => undefined);
    } catch {
      // refusal is the safe outcome
    }
  };
  contents.on('will-navigate', (event: PreventableEvent, url: unknown) => {
    event.preventDefault();
    handOver(typeof url === 'string' ? url : (event as { url?: unknown }).url);
  });
  contents.on('will-redirect', (event: PreventableEvent) => event.preventDefault());
  // The page has no frames (frame-src 'none'); should one appear anyway, it may not navigate.
  contents.on('will-frame-navigate', (event: PreventableEvent) => event.preventDefault());
  contents.on('will-attach-webview', (event: PreventableEvent) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    handOver(url);
    return { action: 'deny' };
  });
}

export interface SessionHardeningOptions {
  /** CSP header value to add to every response; null in development (Vite's dev server needs its own). */
  contentSecurityPolicy: string | null;
}

/** Deny every permission request and check (camera, notifications, HID, USB, serial...), add the CSP header. */
export function hardenSession(session: SessionLike, options: SessionHardeningOptions): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler?.(() => false);
  const csp = options.contentSecurityPolicy;
  session.webRequest.onHeadersReceived((details, callback) => {
    if (csp === null) {
      callback({});
      return;
    }
    const headers: Record<string, string[] | string> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      // Ours replaces any policy a response brings, so nothing can loosen it.
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    }
    headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  });
}

/** Harden every webContents the app ever creates (windows, devtools, anything unexpected). */
export function installAppHardening(app: AppLike, options: HardeningOptions): void {
  app.on('web-contents-created', (_event: unknown, contents: WebContentsLike) => hardenWebContents(contents, options));
}

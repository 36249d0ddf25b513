/**
 * The only module that touches the preload API (`window.skm`, typed by electron/ipc-contract.ts).
 * Every call answers a Result envelope; anything that still goes wrong on the way (no bridge,
 * a rejected IPC promise, a malformed answer) becomes an ErrorInfo instead of a throw.
 * Arguments are never logged: some of them are PINs.
 */
import type { SkmApi, SkmArgs, SkmMethod, SkmValue } from '../../../electron/ipc-contract.js';
import type { ErrorInfo, KeyEvent, Result } from '../../../src/usecases/types.js';

declare global {
  interface Window {
    skm: SkmApi;
    /** Read-only JSON of every store, for the PIN-hygiene checks; holds no secrets by design. */
    __skmDebugSnapshot?: () => string;
  }
}

const NO_BRIDGE: ErrorInfo = {
  code: 'INTERNAL',
  message: 'The app cannot reach its key service.',
  hint: 'Close the app and open it again.',
};

function currentApi(): SkmApi | undefined {
  if (typeof window === 'undefined') return undefined;
  const api = (window as Partial<Window>).skm;
  return api && typeof api === 'object' ? api : undefined;
}

/** True once the preload (or the browser test bridge) has provided `window.skm`. */
export function hasApi(): boolean {
  return currentApi() !== undefined;
}

/** Resolves true when the API appears (the browser bridge may install it a moment after load). */
export function whenApiReady(timeoutMs = 5000, stepMs = 50): Promise<boolean> {
  if (hasApi()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (hasApi()) {
        clearInterval(timer);
        resolve(true);
      } else if (Date.now() - started >= timeoutMs) {
        clearInterval(timer);
        resolve(false);
      }
    }, stepMs);
  });
}

function isResult(v: unknown): v is Result<unknown> {
  if (!v || typeof v !== 'object') return false;
  const r = v as { ok?: unknown; error?: unknown };
  if (r.ok === true) return true;
  return r.ok === false && !!r.error && typeof r.error === 'object' && typeof (r.error as ErrorInfo).code === 'string';
}

/** Calls one method of the contract and always resolves to a Result. */
export async function call<M extends SkmMethod>(method: M, ...args: SkmArgs<M>): Promise<Result<SkmValue<M>>> {
  const api = currentApi();
  const fn = api?.[method] as ((...a: SkmArgs<M>) => Promise<Result<SkmValue<M>>>) | undefined;
  if (!api || typeof fn !== 'function') return { ok: false, error: NO_BRIDGE };
  try {
    const result: unknown = await fn.apply(api, args);
    if (isResult(result)) return result as Result<SkmValue<M>>;
    return { ok: false, error: { code: 'PROTOCOL', message: 'The key service gave an answer the app did not understand.' } };
  } catch {
    // Deliberately not logging the error: it may echo the arguments.
    return { ok: false, error: { code: 'INTERNAL', message: 'The request to the key service failed.', hint: 'Try again.' } };
  }
}

/** Typed shorthand: `api.listKeys()` is `call('listKeys')`. */
export type ClientApi = { [M in SkmMethod]: (...args: SkmArgs<M>) => Promise<Result<SkmValue<M>>> };

export const api: ClientApi = new Proxy({} as ClientApi, {
  get(_target, prop) {
    return (...args: unknown[]) => (call as (m: string, ...a: unknown[]) => Promise<unknown>)(String(prop), ...args);
  },
});

/** Subscribes to pushed key events; returns the unsubscribe function. */
export function onEvent(listener: (event: KeyEvent) => void): () => void {
  const api = currentApi();
  if (!api || typeof api.onEvent !== 'function') return () => {};
  try {
    const off = api.onEvent(listener);
    return typeof off === 'function' ? off : () => {};
  } catch {
    return () => {};
  }
}

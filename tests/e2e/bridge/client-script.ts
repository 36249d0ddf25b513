/**
 * The page side of the bridge: `window.skm` with one function per contract method (the same list
 * the preload exposes), each a POST /api/<method> answering the Result envelope, and onEvent over
 * Server-Sent Events. Generated from the contract's method list so both sides stay identical.
 */
import { SKM_METHODS } from '../../../electron/ipc-validation.js';

export function bridgeClientScript(): string {
  return `(() => {
  'use strict';
  const methods = ${JSON.stringify(SKM_METHODS)};
  const unreachable = { ok: false, error: { code: 'INTERNAL', message: 'The app cannot reach its key service.', hint: 'Close the app and open it again.' } };
  async function call(method, args) {
    try {
      const res = await fetch('/api/' + method, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(args),
        cache: 'no-store',
      });
      return await res.json();
    } catch {
      return unreachable;
    }
  }
  const api = {};
  for (const m of methods) api[m] = { [m]: (...args) => call(m, args) }[m];
  const listeners = new Set();
  let source = null;
  api.onEvent = function onEvent(listener) {
    if (typeof listener !== 'function') return () => {};
    listeners.add(listener);
    if (!source) {
      source = new EventSource('/api/events');
      source.onmessage = (message) => {
        let event;
        try { event = JSON.parse(message.data); } catch { return; }
        for (const l of [...listeners]) { try { l(event); } catch {} }
      };
    }
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && source) { source.close(); source = null; }
    };
  };
  Object.defineProperty(window, 'skm', { value: Object.freeze(api), enumerable: true });
})();
`;
}

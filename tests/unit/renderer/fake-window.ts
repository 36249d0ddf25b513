/** Installs a recording fake of window.skm on globalThis for tests of the client and stores. */
import type { KeyEvent } from '../../../src/usecases/types.js';

export type Handler = (...args: unknown[]) => unknown;

export interface FakeSkm {
  calls: { method: string; args: unknown[] }[];
  emit: (e: KeyEvent) => void;
}

export function installFakeSkm(handlers: Record<string, Handler>): FakeSkm {
  const calls: FakeSkm['calls'] = [];
  const listeners = new Set<(e: KeyEvent) => void>();
  const skm: Record<string, unknown> = {
    onEvent: (l: (e: KeyEvent) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  for (const [method, fn] of Object.entries(handlers)) {
    skm[method] = async (...args: unknown[]) => {
      calls.push({ method, args });
      return fn(...args);
    };
  }
  (globalThis as { window?: unknown }).window = { skm };
  return { calls, emit: (e) => listeners.forEach((l) => l(e)) };
}

export function removeFakeSkm(): void {
  delete (globalThis as { window?: unknown }).window;
}

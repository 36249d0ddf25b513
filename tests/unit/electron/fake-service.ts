/** A recording SkmService for the IPC tests: every method records its arguments and answers by `impl`. */
import { vi } from 'vitest';
import type { SkmService } from '../../../electron/ipc-contract.js';
import { SKM_METHODS } from '../../../electron/ipc-validation.js';
import type { KeyEvent } from '../../../src/usecases/types.js';

export interface FakeService {
  service: SkmService;
  calls: { method: string; args: unknown[] }[];
  emit(event: KeyEvent): void;
  listenerCount(): number;
}

export function fakeService(impl: Partial<Record<string, (...args: any[]) => unknown>> = {}): FakeService {
  const calls: { method: string; args: unknown[] }[] = [];
  const listeners = new Set<(e: KeyEvent) => void>();
  const service: Record<string, unknown> = {};
  for (const method of SKM_METHODS) {
    service[method] = vi.fn(async (...args: unknown[]) => {
      calls.push({ method, args });
      const f = impl[method];
      return f ? f(...args) : undefined;
    });
  }
  service.onEvent = (l: (e: KeyEvent) => void) => {
    listeners.add(l);
    return () => listeners.delete(l);
  };
  return {
    service: service as SkmService,
    calls,
    emit: (e) => [...listeners].forEach((l) => l(e)),
    listenerCount: () => listeners.size,
  };
}

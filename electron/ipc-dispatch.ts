/**
 * The one path every request of the IPC contract takes, shared verbatim by Electron main
 * (ipc-register.ts) and the browser test bridge: check the method name, validate the arguments,
 * call the service, answer a Result envelope. Never throws: errors thrown through ipcMain.handle
 * reach the renderer with only their message, so failures travel as `{ ok: false, error }`.
 * No Electron import.
 */
import type { SkmService } from './ipc-contract.js';
import { isSkmMethod, validateArgs } from './ipc-validation.js';
import { describeOutcome, toErrorInfo } from '../src/usecases/to-error-info.js';
import type { ErrorInfo, Result } from '../src/usecases/types.js';

/** A failure envelope. */
export function failure(error: ErrorInfo): { ok: false; error: ErrorInfo } {
  return { ok: false, error };
}

/** Map a thrown value to an envelope; the mapping itself must not be able to throw across IPC. */
export function errorEnvelope(e: unknown): { ok: false; error: ErrorInfo } {
  try {
    return failure(toErrorInfo(e));
  } catch {
    return failure({ code: 'INTERNAL', message: 'Something unexpected went wrong.' });
  }
}

/** The answer to a request from a frame that is not the app's own page. */
export function untrustedSenderEnvelope(): { ok: false; error: ErrorInfo } {
  return failure(
    describeOutcome('PERMISSION_DENIED', {
      message: 'The request did not come from the app window, so it was refused.',
      hint: 'Restart Security Key Manager.',
    }),
  );
}

/**
 * Validate and run one call. `args` is whatever arrived over the wire; the service is only
 * called when the method exists and every argument passed its schema.
 */
export async function dispatch(service: SkmService, method: unknown, args: unknown): Promise<Result<unknown>> {
  try {
    if (!isSkmMethod(method)) {
      return failure(describeOutcome('INVALID_ARGUMENT', { message: 'That request is not part of the app.' }));
    }
    const check = validateArgs(method, args);
    if (!check.ok) {
      return failure(describeOutcome('INVALID_ARGUMENT', { message: `That request is not valid (${method}: ${check.problems.join('; ')}).` }));
    }
    const fn = service[method] as (...a: unknown[]) => Promise<unknown>;
    if (typeof fn !== 'function') {
      return failure(describeOutcome('NOT_SUPPORTED', { message: 'This version of the app cannot do that.' }));
    }
    const value = await fn.apply(service, check.args as unknown[]);
    return { ok: true, value };
  } catch (e) {
    return errorEnvelope(e);
  }
}

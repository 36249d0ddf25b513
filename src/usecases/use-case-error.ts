/**
 * The one error the use cases throw themselves: it already carries the outcome code the UI and the
 * CLI act on, plus any detail (retries left, minimum length, an exact fix). Never holds a PIN.
 */
import { SkmError, type ErrorCode } from '../errors.js';
import type { ErrorInfo, OutcomeCode } from './types.js';

const ENGINE_CODE: Partial<Record<OutcomeCode, ErrorCode>> = {
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  NOT_SUPPORTED: 'NOT_SUPPORTED',
  U2F_ONLY: 'NOT_SUPPORTED',
  TIMEOUT: 'TIMEOUT',
  CANCELLED: 'CANCELLED',
  KEY_DISCONNECTED: 'DISCONNECTED',
  KEY_BUSY: 'DEVICE_BUSY',
  NO_KEY: 'NO_DEVICE',
  MULTIPLE_KEYS: 'MULTIPLE_DEVICES',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  NATIVE_LIBRARY_MISSING: 'NATIVE_LIBRARY_MISSING',
  PIN_TOO_SHORT: 'PIN_RULE',
  PIN_TOO_LONG: 'PIN_RULE',
  PIN_ENDS_WITH_NUL: 'PIN_RULE',
  PIN_MISMATCH: 'PIN_RULE',
  PIN_SAME_AS_CURRENT: 'PIN_RULE',
};

/** A use-case outcome that is not a success, with its plain wording (see to-error-info.ts). */
export class UseCaseError extends SkmError {
  constructor(
    readonly outcome: OutcomeCode,
    message: string,
    readonly details: Partial<ErrorInfo> = {},
    options?: { cause?: unknown },
  ) {
    super(ENGINE_CODE[outcome] ?? 'INVALID_STATE', message, options);
  }
}

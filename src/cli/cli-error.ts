/**
 * Failures the CLI raises itself, already in the shape every front end shares (ErrorInfo with an
 * OutcomeCode), plus the one function that turns anything thrown into that shape.
 */
import { SkmError } from '../errors.js';
import type { ErrorInfo, OutcomeCode } from '../usecases/types.js';
import { UsageError } from './usage-error.js';

export class CliError extends SkmError {
  constructor(readonly info: ErrorInfo) {
    super('INVALID_STATE', info.message);
  }
}

/** A CliError with the shared plain wording for `code`, overridden by `details`. */
export async function outcome(code: OutcomeCode, details: Partial<ErrorInfo> = {}): Promise<CliError> {
  const { describeOutcome } = await import('../usecases/to-error-info.js');
  return new CliError(describeOutcome(code, details));
}

/** Anything thrown → ErrorInfo. Usage errors are ours; the rest go through the use cases' mapping. */
export async function errorInfoOf(e: unknown): Promise<ErrorInfo> {
  if (e instanceof CliError) return e.info;
  // SKM_DEBUG=1 shows where an unexpected error came from (stack only: messages never hold PINs).
  if (process.env['SKM_DEBUG'] && e instanceof Error && !(e instanceof UsageError)) process.stderr.write(`${e.stack ?? e.name}\n`);
  if (e instanceof UsageError) return { code: 'INVALID_ARGUMENT', message: e.message, hint: e.hint };
  try {
    const { toErrorInfo } = await import('../usecases/to-error-info.js');
    return toErrorInfo(e);
  } catch {
    return { code: 'INTERNAL', message: 'Something unexpected went wrong.' };
  }
}

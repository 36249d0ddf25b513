/**
 * A command-line mistake found before anything is sent to a key: unknown command or option,
 * a value that does not parse. Always exit code 2 (USAGE) and outcome INVALID_ARGUMENT.
 */
import { SkmError } from '../errors.js';

export class UsageError extends SkmError {
  constructor(
    message: string,
    /** Which help page to point at, e.g. "pin" for `skm pin --help`. */
    readonly helpTopic?: string,
  ) {
    super('INVALID_ARGUMENT', message);
  }

  get hint(): string {
    return this.helpTopic ? `Run "skm ${this.helpTopic} --help" for usage.` : 'Run "skm --help" for usage.';
  }
}

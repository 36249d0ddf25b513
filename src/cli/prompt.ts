/**
 * Asking the user for PINs and confirmations. PINs are never taken from arguments or the
 * environment: on a terminal they are typed without echo (raw mode: backspace works, Ctrl-C
 * cancels); otherwise standard input is read one line per answer so scripts and tests work.
 * Nothing typed is ever written anywhere — not even as asterisks.
 */
import { CancelledError } from '../errors.js';
import { UsageError } from './usage-error.js';

export interface Prompter {
  /** True when answers come from a person at a terminal. */
  readonly interactive: boolean;
  /** Ask for a secret (a PIN). Resolves with what was typed; never echoes it. */
  secret(label: string): Promise<string>;
  /** Ask for a visible one-line answer (confirmations). Undefined when input ended. */
  line(label: string): Promise<string | undefined>;
  /** Stop reading standard input so the process can exit. */
  close(): void;
}

/** Minimal readable/writable shapes so tests can drive the prompter with fakes. */
export interface PromptInput {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  setEncoding(enc: 'utf8'): unknown;
  on(event: 'data', l: (chunk: string) => void): unknown;
  on(event: 'end', l: () => void): unknown;
  removeListener(event: 'data', l: (chunk: string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}
export interface PromptOutput {
  write(s: string): unknown;
}

/** Lines of a non-terminal input, handed out one per question, in order. */
export class LineReader {
  private buffer = '';
  private readonly lines: string[] = [];
  private ended = false;
  private waiter: ((line: string | undefined) => void) | null = null;
  private started = false;
  private readonly onData = (chunk: string) => {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) !== -1) {
      this.lines.push(this.buffer.slice(0, nl).replace(/\r$/, ''));
      this.buffer = this.buffer.slice(nl + 1);
    }
    this.flush();
  };

  constructor(private readonly input: PromptInput) {}

  next(): Promise<string | undefined> {
    if (this.waiter) return Promise.reject(new Error('LineReader: one question at a time'));
    if (!this.started) {
      this.started = true;
      this.input.setEncoding('utf8');
      this.input.on('data', this.onData);
      this.input.on('end', () => {
        this.ended = true;
        // A last line without a newline still counts.
        if (this.buffer.length > 0) this.lines.push(this.buffer.replace(/\r$/, ''));
        this.buffer = '';
        this.flush();
      });
    }
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.input.resume();
      this.flush();
    });
  }

  close(): void {
    if (this.started) this.input.removeListener('data', this.onData);
    this.input.pause();
    this.buffer = '';
    this.lines.length = 0;
  }

  private flush(): void {
    if (!this.waiter) return;
    if (this.lines.length > 0) {
      const w = this.waiter;
      this.waiter = null;
      w(this.lines.shift());
      // Hold further input until the next question so nothing is read ahead needlessly.
      if (this.lines.length === 0) this.input.pause();
    } else if (this.ended) {
      const w = this.waiter;
      this.waiter = null;
      w(undefined);
    }
  }
}

/** Read one line from a terminal in raw mode; `echo` false for secrets. */
function readTerminalLine(input: PromptInput, output: PromptOutput, label: string, echo: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let chars: string[] = [];
    let escape = false;
    output.write(label);
    input.setEncoding('utf8');
    input.setRawMode?.(true);
    input.resume();
    const done = (err?: Error) => {
      input.removeListener('data', onData);
      input.setRawMode?.(false);
      input.pause();
      output.write('\n');
      if (err) {
        chars = [];
        reject(err);
      } else {
        const text = chars.join('');
        chars = [];
        resolve(text);
      }
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (escape) {
          // Swallow ANSI escape sequences (arrow keys …): ESC [ params final-byte.
          if (/[A-Za-z~]/.test(ch)) escape = false;
          continue;
        }
        switch (ch) {
          case '\u0003': // Ctrl-C
            done(new CancelledError('Cancelled at the prompt'));
            return;
          case '\u0004': // Ctrl-D
            if (chars.length === 0) {
              done(new CancelledError('Cancelled at the prompt'));
              return;
            }
            break;
          case '\r':
          case '\n':
            done();
            return;
          case '\u007f':
          case '\b':
            if (chars.length > 0) {
              chars.pop();
              if (echo) output.write('\b \b');
            }
            break;
          case '\u0015': // Ctrl-U: clear the line
            if (echo) output.write('\b \b'.repeat(chars.length));
            chars = [];
            break;
          case '\u001b':
            escape = true;
            break;
          default:
            if (ch >= ' ') {
              chars.push(ch);
              if (echo) output.write(ch);
            }
        }
      }
    };
    input.on('data', onData);
  });
}

/** A prompter over stdin/stderr; answers from lines when stdin is not a terminal. */
export function createPrompter(
  input: PromptInput = process.stdin as unknown as PromptInput,
  output: PromptOutput = process.stderr,
): Prompter {
  const interactive = input.isTTY === true && typeof input.setRawMode === 'function';
  if (interactive) {
    return {
      interactive,
      secret: (label) => readTerminalLine(input, output, label, false),
      line: (label) => readTerminalLine(input, output, label, true),
      close: () => input.pause(),
    };
  }
  const reader = new LineReader(input);
  return {
    interactive,
    async secret(label) {
      const line = await reader.next();
      if (line === undefined) {
        throw new UsageError(`Standard input ended before the answer to "${label.replace(/[:\s]+$/, '')}" (skm reads one PIN per line when not on a terminal).`);
      }
      return line;
    },
    line: () => reader.next(),
    close: () => reader.close(),
  };
}

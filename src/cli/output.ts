/**
 * Where `skm` writes: results on stdout (JSON with --json, tidy text otherwise), narrative,
 * prompts and progress on stderr, so `skm ... --json | jq` always sees exactly one JSON document.
 */
import type { ErrorInfo } from '../usecases/types.js';

export interface Stream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export class Output {
  constructor(
    readonly json: boolean,
    private readonly stdout: Stream = process.stdout,
    private readonly stderr: Stream = process.stderr,
  ) {}

  /** Narrative is shown to people: always in human mode, in JSON mode only on a terminal. */
  get narrate(): boolean {
    return !this.json || this.stderr.isTTY === true;
  }

  get stderrIsTTY(): boolean {
    return this.stderr.isTTY === true;
  }

  /** The command's result: `value` as one JSON document, or the human rendering. */
  result(value: unknown, human: () => string): void {
    if (this.json) this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    else {
      const text = human();
      if (text) this.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    }
  }

  /** A line of narrative (explanations, steps) on stderr. */
  say(text: string): void {
    if (this.narrate) this.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Raw stderr write for in-place countdowns. */
  raw(text: string): void {
    if (this.narrate) this.stderr.write(text);
  }

  /** A failure: {"error": ErrorInfo} on stdout in JSON mode, a plain message on stderr otherwise. */
  error(info: ErrorInfo): void {
    if (this.json) {
      this.stdout.write(`${JSON.stringify({ error: info }, null, 2)}\n`);
      return;
    }
    const lines = [`Error: ${info.message}`];
    if (info.hint) lines.push(`Hint: ${info.hint}`);
    if (info.fix) lines.push(`Fix: ${info.fix}`);
    if (info.ctapStatusName) lines.push(`(key status ${info.ctapStatusName}${info.ctapStatus !== undefined ? ` 0x${info.ctapStatus.toString(16).padStart(2, '0')}` : ''})`);
    this.stderr.write(`${lines.join('\n')}\n`);
  }
}

/** Column-aligned text table; the last column is not padded. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** "Label   value" lines with the labels aligned. */
export function formatFields(fields: [string, string | undefined][]): string {
  const shown = fields.filter((f): f is [string, string] => f[1] !== undefined);
  const width = Math.max(...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

export function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

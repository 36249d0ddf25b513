import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT_CODE_BY_OUTCOME, EXIT_CODE_TABLE, ExitCode, exitCodeFor } from '../../../src/cli/exit-codes.js';
import { overviewHelp } from '../../../src/cli/help.js';

/** Every OutcomeCode, read from the shared types so a new code without a mapping fails here too. */
function outcomeCodes(): string[] {
  const source = readFileSync(new URL('../../../src/usecases/types.ts', import.meta.url), 'utf8');
  const block = /export type OutcomeCode =([^;]+);/.exec(source)![1]!;
  return [...block.matchAll(/'([A-Z0-9_]+)'/g)].map((m) => m[1]!);
}

describe('exit codes', () => {
  it('maps every OutcomeCode to a documented exit code', () => {
    const codes = outcomeCodes();
    expect(codes.length).toBeGreaterThan(30);
    const documented = new Set(EXIT_CODE_TABLE.map((e) => e.code));
    for (const code of codes) {
      expect(EXIT_CODE_BY_OUTCOME, code).toHaveProperty(code);
      expect(documented.has(exitCodeFor(code))).toBe(true);
    }
    expect(Object.keys(EXIT_CODE_BY_OUTCOME).sort()).toEqual([...codes].sort());
  });

  it('keeps the stable numbers scripts rely on', () => {
    expect(exitCodeFor('INVALID_ARGUMENT')).toBe(2);
    expect(exitCodeFor('NO_KEY')).toBe(3);
    expect(exitCodeFor('MULTIPLE_KEYS')).toBe(4);
    expect(exitCodeFor('WRONG_PIN')).toBe(5);
    expect(exitCodeFor('PIN_TEMPORARILY_BLOCKED')).toBe(6);
    expect(exitCodeFor('PIN_BLOCKED')).toBe(7);
    expect(exitCodeFor('RESET_TOO_LATE')).toBe(8);
    expect(exitCodeFor('CANCELLED')).toBe(9);
    expect(exitCodeFor('PERMISSION_DENIED')).toBe(10);
    expect(exitCodeFor('TOUCH_TIMEOUT')).toBe(11);
    expect(exitCodeFor('SOMETHING_NEW')).toBe(ExitCode.FAILURE);
  });

  it('documents each code once, in order, in --help and docs/cli.md', () => {
    const numbers = EXIT_CODE_TABLE.map((e) => e.code);
    expect(numbers).toEqual([...new Set(numbers)].sort((a, b) => a - b));
    expect(new Set(numbers)).toEqual(new Set(Object.values(ExitCode)));
    const help = overviewHelp();
    const docs = readFileSync(new URL('../../../docs/cli.md', import.meta.url), 'utf8');
    for (const e of EXIT_CODE_TABLE) {
      expect(help).toContain(`${String(e.code).padStart(2)}  ${e.meaning}`);
      expect(docs).toMatch(new RegExp(`\\|\\s*${e.code}\\s*\\|`));
    }
    for (const [outcome, code] of Object.entries(EXIT_CODE_BY_OUTCOME)) {
      expect(docs, outcome).toMatch(new RegExp(`\\|\\s*\`${outcome}\`\\s*\\|\\s*${code}\\s*\\|`));
    }
  });
});

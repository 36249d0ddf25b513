/**
 * A minimal check runner for the guest (no vitest inside the VM: it has to start fast under TCG).
 * One line per check, a final line exactly `N passed, N failed`, and results.json / results.txt /
 * suite-status in the writable share so the host can report them.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export type CheckStatus = 'pass' | 'fail' | 'todo';
export interface CheckResult {
  name: string;
  status: CheckStatus;
  ms: number;
  detail?: string;
}

export class Suite {
  readonly results: CheckResult[] = [];
  private readonly lines: string[] = [];
  private readonly started = performance.now();

  /** Run one check; a throw or going over `timeoutMs` is a failure, never a hang. */
  async check(name: string, fn: () => unknown | Promise<unknown>, timeoutMs = 20_000): Promise<boolean> {
    const t0 = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(fn),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`did not finish within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      this.record({ name, status: 'pass', ms: performance.now() - t0 });
      return true;
    } catch (e) {
      const detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      this.record({ name, status: 'fail', ms: performance.now() - t0, detail });
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A check whose subject could not be loaded: reported, and counted as failed. */
  todo(name: string, reason: string): void {
    this.record({ name, status: 'fail', ms: 0, detail: `could not run: ${reason}` });
  }

  /** Note for the log (timings, versions); not a check. */
  note(text: string): void {
    this.print(`  # ${text}`);
  }

  /** Print the summary, write the result files, return the exit status. */
  finish(outDir: string | undefined): number {
    const passed = this.results.filter((r) => r.status === 'pass').length;
    const failed = this.results.filter((r) => r.status === 'fail').length;
    const todo = this.results.filter((r) => r.status === 'todo').length;
    if (todo) this.print(`${todo} todo (not counted)`);
    this.print(`suite time ${((performance.now() - this.started) / 1000).toFixed(1)} s`);
    this.print(`${passed} passed, ${failed} failed`);
    const status = failed === 0 && passed > 0 ? 0 : 1;
    if (outDir) {
      writeFileSync(path.join(outDir, 'results.json'), JSON.stringify({ passed, failed, todo, results: this.results }, null, 2));
      writeFileSync(path.join(outDir, 'results.txt'), `${this.lines.join('\n')}\n`);
      writeFileSync(path.join(outDir, 'suite-status'), `${status}\n`);
    }
    return status;
  }

  private record(r: CheckResult): void {
    this.results.push(r);
    const ms = `${Math.round(r.ms)} ms`.padStart(8);
    const tag = r.status === 'pass' ? 'ok  ' : r.status === 'fail' ? 'FAIL' : 'TODO';
    this.print(`${tag} ${r.status === 'todo' ? ''.padStart(8) : ms}  ${r.name}${r.detail ? ` -- ${r.detail}` : ''}`);
  }

  private print(line: string): void {
    this.lines.push(line);
    process.stdout.write(`${line}\n`);
  }
}

/** Resolve after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `predicate` every `everyMs` until it is truthy; returns the elapsed ms, throws after `timeoutMs`. */
export async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 5): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if (await predicate()) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

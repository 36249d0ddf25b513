/**
 * Entry point of the `skm` command. Parses and validates the command line first and loads only
 * what the chosen command needs (the key service, the engine, the software authenticator and
 * node-hid are all loaded lazily), so `--help`, `--version` and usage errors start instantly.
 */
import { parseArgs, type Invocation } from './args.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import { commandHelp, overviewHelp } from './help.js';
import { Output } from './output.js';
import { UsageError } from './usage-error.js';
import { VERSION } from './version.js';

export async function main(argv: readonly string[]): Promise<ExitCodeValue> {
  let inv: Invocation;
  try {
    inv = parseArgs(argv);
  } catch (e) {
    const out = new Output(argv.includes('--json') || argv.includes('-j'));
    if (e instanceof UsageError) {
      out.error({ code: 'INVALID_ARGUMENT', message: e.message, hint: e.hint });
      return ExitCode.USAGE;
    }
    throw e;
  }
  const out = new Output(inv.options.json);
  const cmd = inv.command;
  switch (cmd.name) {
    case 'help':
      if (out.json) out.result({ help: cmd.topic ? commandHelp(cmd.topic) : overviewHelp() }, () => '');
      else process.stdout.write(cmd.topic ? commandHelp(cmd.topic) : overviewHelp());
      return ExitCode.OK;
    case 'version':
      out.result({ version: VERSION }, () => `skm ${VERSION}`);
      return ExitCode.OK;
    case 'simulator': {
      const { runSimulator } = await import('./commands/simulator.js');
      return runSimulator(cmd, out);
    }
    default: {
      const { runKeyCommand } = await import('./run-key-command.js');
      return runKeyCommand(inv, out);
    }
  }
}

/** Run and exit with the command's code once output is flushed. */
export function run(argv: readonly string[] = process.argv.slice(2)): void {
  main(argv).then(
    (code) => exitWhenFlushed(code),
    (e: unknown) => {
      // Only programming errors get here; never print anything that could hold user input.
      const detail = process.env['SKM_DEBUG'] && e instanceof Error ? `\n${e.stack ?? e.message}` : '';
      process.stderr.write(`Error: internal failure (${e instanceof Error ? e.name : 'unknown'}).${detail}\n`);
      exitWhenFlushed(ExitCode.FAILURE);
    },
  );
}

function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  // Wait for stdout/stderr to drain, then exit even if a socket or timer is still open.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

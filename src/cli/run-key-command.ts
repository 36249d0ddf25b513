/**
 * Runs one key command: opens the key service for the chosen source, wires progress events and
 * Ctrl-C (which cancels the operation on the key: CTAPHID_CANCEL, CTAP 2.1 §11.2.9.1.5), runs the
 * command and turns any failure into an ErrorInfo and a documented exit code.
 */
import type { Invocation } from './args.js';
import { errorInfoOf, outcome } from './cli-error.js';
import type { CommandContext } from './context.js';
import { ExitCode, exitCodeFor, type ExitCodeValue } from './exit-codes.js';
import type { Output } from './output.js';
import { ProgressView } from './progress.js';
import { createPrompter } from './prompt.js';
import { openService, type CliKeyService } from './service.js';
import { configCommand } from './commands/config.js';
import { credentialsDeleteCommand, credentialsListCommand } from './commands/credentials.js';
import { doctorCommand } from './commands/doctor.js';
import { infoCommand, pinStatusCommand } from './commands/info.js';
import { listCommand } from './commands/list.js';
import { pinChangeCommand, pinSetCommand } from './commands/pin.js';
import { resetCommand } from './commands/reset.js';
import { touchCommand, winkCommand } from './commands/touch.js';

async function dispatch(inv: Invocation, ctx: CommandContext): Promise<ExitCodeValue> {
  const c = inv.command;
  switch (c.name) {
    case 'list':
      await listCommand(ctx);
      break;
    case 'info':
      await infoCommand(ctx);
      break;
    case 'pin':
      if (c.action === 'status') await pinStatusCommand(ctx);
      else if (c.action === 'set') await pinSetCommand(ctx);
      else await pinChangeCommand(ctx);
      break;
    case 'touch':
      await touchCommand(ctx);
      break;
    case 'wink':
      await winkCommand(ctx);
      break;
    case 'reset':
      await resetCommand(ctx, c.yes);
      break;
    case 'credentials':
      if (c.action === 'list') await credentialsListCommand(ctx);
      else await credentialsDeleteCommand(ctx, c.credentialId);
      break;
    case 'config':
      await configCommand(ctx, c);
      break;
    case 'doctor':
      return (await doctorCommand(ctx)) ? ExitCode.OK : ExitCode.FAILURE;
    default:
      throw new Error(`not a key command: ${c.name}`);
  }
  return ExitCode.OK;
}

export async function runKeyCommand(inv: Invocation, out: Output): Promise<ExitCodeValue> {
  const prompter = createPrompter();
  const progress = new ProgressView(out);
  let service: CliKeyService | undefined;
  let ctx: CommandContext | undefined;
  let interrupted = false;

  // Ctrl-C: cancel what the key is doing, then fail with CANCELLED. A second Ctrl-C exits at once.
  let rejectInterrupt!: (e: unknown) => void;
  const interruptedPromise = new Promise<never>((_, reject) => (rejectInterrupt = reject));
  interruptedPromise.catch(() => undefined);
  const onSignal = () => {
    if (interrupted) process.exit(ExitCode.CANCELLED);
    interrupted = true;
    progress.stop();
    if (ctx?.resetRunning) void service?.cancelReset().catch(() => undefined);
    else if (ctx?.keyId) void service?.cancel(ctx.keyId).catch(() => undefined);
    void outcome('CANCELLED').then(rejectInterrupt);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const opened = await openService(inv.options.source);
    service = opened.service;
    const c: CommandContext = { service, out, prompter, progress, options: inv.options };
    if (opened.softwareKey) c.softwareKey = opened.softwareKey;
    ctx = c;
    service.onEvent((event) => progress.handle(event, c.keyId));
    return await Promise.race([dispatch(inv, c), interruptedPromise]);
  } catch (e) {
    progress.stop();
    const info = await errorInfoOf(e);
    out.error(info);
    return exitCodeFor(info.code);
  } finally {
    progress.stop();
    prompter.close();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    // Closing can hang on a key that stopped answering; never let it hold the exit.
    if (service) await Promise.race([service.close().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
  }
}

/**
 * `skm reset`: the guarded factory reset (CTAP 2.1 §6.6 authenticatorReset). A key only accepts a
 * reset within about 10 s of power-up, and the reset erases everything, so the CLI:
 *   1. says exactly what is lost (from the service's ResetPreparation) and, at a terminal, offers
 *      to list the passkeys that would go if the user gives the PIN (optional, skipped with Enter),
 *   2. requires "yes" to "do you have another way to sign in?" and a typed RESET
 *      (non-interactive: the same two lines on stdin, or --yes-i-understand-this-erases-the-key),
 *   3. drives prepareReset/startReset, showing unplug → plug back in → touch with a countdown.
 * Nothing is sent to the key until both confirmations are given.
 */
import type { ResetStatus } from '../../usecases/types.js';
import { RESET_CONFIRM_FLAG } from '../args.js';
import { CliError, errorInfoOf, outcome } from '../cli-error.js';
import { selectKey, type CommandContext } from '../context.js';
import { formatTable } from '../output.js';

export const RESET_WORD = 'RESET';

/** True for the answers we take as "yes". */
function isYes(answer: string | undefined): boolean {
  return answer !== undefined && /^(y|yes)$/i.test(answer.trim());
}

/**
 * With the PIN (optional: Enter skips), list the passkeys a reset would erase. A failure here,
 * such as a wrong PIN, is explained and the reset questions still follow: seeing the list is a
 * courtesy, not a guard. The PIN is dropped as soon as the list is read.
 */
async function showPasskeysAtRisk(ctx: CommandContext, keyId: string): Promise<void> {
  const info = await ctx.service.getKeyInfo(keyId);
  if (info.kind !== 'fido2' || !info.supports.credentialManagement || !info.pin.isSet || info.pin.blocked) return;
  let pin = await ctx.prompter.secret('To see which passkeys would be erased, enter the key\'s PIN (or press Enter to skip): ');
  if (pin === '') {
    ctx.out.say('');
    return;
  }
  try {
    const list = await ctx.service.previewReset(keyId, pin);
    pin = '';
    if (list.existingCount === 0) {
      ctx.out.say('No passkeys are stored on this key, so the reset erases none.');
    } else {
      const rows = list.sites.flatMap((site) => site.passkeys.map((p) => [site.rpId, p.userName ?? p.userDisplayName ?? '-']));
      const n = list.existingCount;
      ctx.out.say(`The reset would erase ${n === 1 ? 'this passkey' : `these ${n} passkeys`}:`);
      ctx.out.say(formatTable(['SITE', 'USER'], rows));
    }
  } catch (e) {
    pin = '';
    const failed = await errorInfoOf(e);
    ctx.out.say(`The passkeys could not be listed: ${failed.message}${failed.hint ? ` ${failed.hint}` : ''}`);
  }
  ctx.out.say('');
}

export async function resetCommand(ctx: CommandContext, yes: boolean): Promise<void> {
  const key = await selectKey(ctx);
  const prep = await ctx.service.prepareReset(key.id);
  const out = ctx.out;
  // The explanation is always shown to a person; in JSON mode it goes to stderr only on a terminal.
  out.say(`Factory reset of ${prep.modelName} (${prep.keyId})`);
  out.say('');
  out.say('A reset erases everything on this key. You will lose:');
  for (const loss of prep.losses) out.say(`  - ${loss}`);
  out.say('');
  out.say('You will not be able to sign in with this key until you register it again.');
  out.say('');
  if (!yes && ctx.prompter.interactive) await showPasskeysAtRisk(ctx, key.id);

  let hasBackup: boolean;
  let typed: boolean;
  if (yes) {
    hasBackup = typed = true;
  } else if (ctx.prompter.interactive) {
    hasBackup = isYes(await ctx.prompter.line('Do you have another way to sign in (an authenticator app or a second key)? [yes/no]: '));
    if (!hasBackup) {
      throw await outcome('RESET_NOT_CONFIRMED', {
        message: 'Reset cancelled: without another way to sign in you could be locked out. Nothing was erased.',
        hint: 'Set up another sign-in method first, or ask your Local Administrator.',
      });
    }
    typed = (await ctx.prompter.line(`Type ${RESET_WORD} to erase the key: `))?.trim() === RESET_WORD;
  } else {
    // Non-interactive: line 1 answers the backup question, line 2 must be RESET exactly.
    hasBackup = isYes(await ctx.prompter.line(''));
    typed = hasBackup && (await ctx.prompter.line(''))?.trim() === RESET_WORD;
  }
  if (!hasBackup || !typed) {
    throw await outcome('RESET_NOT_CONFIRMED', {
      message: 'Reset cancelled: it was not confirmed. Nothing was erased.',
      hint: ctx.prompter.interactive
        ? `Answer "yes" and type ${RESET_WORD} exactly to go ahead.`
        : `Give "yes" and "${RESET_WORD}" as two lines on standard input, or pass --${RESET_CONFIRM_FLAG}.`,
    });
  }

  ctx.resetRunning = true;
  const stopHands = ctx.softwareKey ? playUserHands(ctx) : undefined;
  let status: ResetStatus;
  try {
    status = await ctx.service.startReset(key.id, {
      confirmationToken: prep.confirmationToken,
      understandsLoss: true,
      hasBackupSignIn: true,
    });
  } finally {
    stopHands?.();
    ctx.resetRunning = false;
    ctx.progress.stop();
  }
  if (status.phase === 'failed' || status.phase === 'cancelled') {
    const info = status.outcome ?? (await outcome(status.phase === 'cancelled' ? 'CANCELLED' : 'INTERNAL')).info;
    throw new CliError(info);
  }
  out.result(status, () => 'The key was reset. It now has no PIN and no passkeys; register it again before you use it.');
}

/** How long the simulated user takes to pull the software key out, and to plug it back in. */
const SIMULATED_HANDS_MS = 150;

/**
 * --simulator: nobody can unplug an in-process key, so do it for the user when the wizard asks,
 * and say so. Returns a function that stops listening.
 */
function playUserHands(ctx: CommandContext): () => void {
  const key = ctx.softwareKey!;
  const timers = new Set<NodeJS.Timeout>();
  const later = (fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, SIMULATED_HANDS_MS);
    timers.add(t);
  };
  const off = ctx.service.onEvent((event) => {
    if (event.type !== 'reset-status') return;
    if (event.status.phase === 'unplug') {
      later(() => {
        ctx.out.say('(software key: unplugged)');
        key.unplug();
      });
    } else if (event.status.phase === 'replug') {
      later(() => {
        ctx.out.say('(software key: plugged back in)');
        key.plug();
      });
    }
  });
  return () => {
    off();
    for (const t of timers) clearTimeout(t);
  };
}

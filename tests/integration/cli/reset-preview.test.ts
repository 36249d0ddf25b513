/**
 * `skm reset` at a terminal offers to list the passkeys a reset would erase when the user gives
 * the PIN. Driven in-process (the command with a scripted terminal prompter) against software keys,
 * stopping at the "another way to sign in?" question so nothing is erased.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resetCommand } from '../../../src/cli/commands/reset.js';
import type { CommandContext } from '../../../src/cli/context.js';
import { Output } from '../../../src/cli/output.js';
import { ProgressView } from '../../../src/cli/progress.js';
import type { Prompter } from '../../../src/cli/prompt.js';
import { errorInfoOf } from '../../../src/cli/cli-error.js';
import { MARKER_PIN, Rig, addPasskey } from '../usecases/helpers.js';

/** A terminal user who answers the questions in order; records what was asked. */
function terminal(answers: string[]) {
  const asked: string[] = [];
  const next = async (label: string) => {
    asked.push(label);
    return answers.shift();
  };
  const prompter: Prompter = {
    interactive: true,
    secret: async (label) => (await next(label)) ?? '',
    line: next,
    close: () => undefined,
  };
  return { prompter, asked };
}

/** The outcome code the command failed with ('resolved' if it did not fail). */
async function outcomeOfCommand(p: Promise<void>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return (await errorInfoOf(e)).code;
  }
}

function contextFor(rig: Rig, prompter: Prompter) {
  let stderr = '';
  let stdout = '';
  const out = new Output(false, { write: (s: string) => (stdout += s) }, { write: (s: string) => (stderr += s), isTTY: true });
  const ctx: CommandContext = {
    service: rig.service,
    out,
    prompter,
    progress: new ProgressView(out),
    options: { json: false, source: { kind: 'usb' } },
  };
  return { ctx, text: () => stdout + stderr };
}

describe('skm reset: passkeys that would be erased', () => {
  let rig: Rig;
  afterEach(async () => rig.close());

  async function keyWithPasskeys() {
    rig = new Rig();
    const k = rig.addKey('a');
    const s = rig.start();
    await s.setPin(k.path, MARKER_PIN, MARKER_PIN);
    await addPasskey(k.key, MARKER_PIN, 'portal.nhs.net', 'alice@nhs.net');
    await addPasskey(k.key, MARKER_PIN, 'example.org', 'alice');
    return k;
  }

  it('with the PIN: lists the sites and users, spends no try, and the reset still needs its answers', async () => {
    const k = await keyWithPasskeys();
    const { prompter, asked } = terminal([MARKER_PIN, 'no']);
    const { ctx, text } = contextFor(rig, prompter);
    expect(await outcomeOfCommand(resetCommand(ctx, false))).toBe('RESET_NOT_CONFIRMED');
    expect(asked[0]).toMatch(/passkeys would be erased.*PIN.*Enter to skip/);
    expect(text()).toMatch(/The reset would erase these 2 passkeys:/);
    expect(text()).toMatch(/portal\.nhs\.net\s+alice@nhs\.net/);
    expect(text()).toMatch(/example\.org\s+alice\b/);
    expect(text()).not.toContain(MARKER_PIN);
    expect(k.key.snapshot().credentials).toHaveLength(2);
    expect(k.key.snapshot().pinRetries).toBe(8);
  });

  it('Enter skips the list and sends nothing with a PIN', async () => {
    const k = await keyWithPasskeys();
    const { prompter, asked } = terminal(['', 'no']);
    const { ctx, text } = contextFor(rig, prompter);
    expect(await outcomeOfCommand(resetCommand(ctx, false))).toBe('RESET_NOT_CONFIRMED');
    expect(asked).toHaveLength(2);
    expect(text()).not.toMatch(/would erase/);
    expect(k.key.snapshot().credentials).toHaveLength(2);
  });

  it('a wrong PIN is explained with the tries left, and the reset questions follow', async () => {
    const k = await keyWithPasskeys();
    const { prompter, asked } = terminal(['not-the-pin', 'no']);
    const { ctx, text } = contextFor(rig, prompter);
    expect(await outcomeOfCommand(resetCommand(ctx, false))).toBe('RESET_NOT_CONFIRMED');
    expect(text()).toMatch(/The passkeys could not be listed: .*7 tries left/);
    expect(asked[1]).toMatch(/another way to sign in/);
    expect(k.key.snapshot().pinRetries).toBe(7);
    expect(k.key.snapshot().credentials).toHaveLength(2);
  });

  it('no PIN on the key: no PIN question at all', async () => {
    rig = new Rig();
    rig.addKey('a');
    rig.start();
    const { prompter, asked } = terminal(['no']);
    const { ctx } = contextFor(rig, prompter);
    expect(await outcomeOfCommand(resetCommand(ctx, false))).toBe('RESET_NOT_CONFIRMED');
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(/another way to sign in/);
  });
});

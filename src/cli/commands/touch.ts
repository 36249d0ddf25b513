/** `skm touch` (CTAP 2.1 §6.9 authenticatorSelection) and `skm wink` (§11.2.9.2.1 CTAPHID_WINK). */
import { selectKey, type CommandContext } from '../context.js';

export async function touchCommand(ctx: CommandContext): Promise<void> {
  const key = await selectKey(ctx);
  const result = await ctx.service.touchTest(key.id);
  ctx.progress.stop();
  ctx.out.result(result, () => 'Touch received: the key works.');
}

export async function winkCommand(ctx: CommandContext): Promise<void> {
  const key = await selectKey(ctx);
  await ctx.service.wink(key.id);
  ctx.out.result({ ok: true }, () => 'The key should be blinking now.');
}

/**
 * `skm pin set` / `skm pin change` (CTAP 2.1 §6.5.5.5 setPIN, §6.5.5.6 changePIN). The PINs come
 * from the prompter only — never arguments or the environment — and are never printed.
 */
import type { PinChangeResult } from '../../usecases/types.js';
import { outcome } from '../cli-error.js';
import { selectKey, type CommandContext } from '../context.js';

function retriesText(r: PinChangeResult): string {
  return r.retries !== undefined ? ` The key allows ${r.retries} wrong attempts before it locks.` : '';
}

export async function pinSetCommand(ctx: CommandContext): Promise<void> {
  const key = await selectKey(ctx);
  const info = await ctx.service.getKeyInfo(key.id);
  if (info.kind === 'u2f-only') throw await outcome('U2F_ONLY');
  if (info.pin.isSet) {
    throw await outcome('PIN_ALREADY_SET', { hint: 'Use "skm pin change"; you will need the current PIN.' });
  }
  const min = info.pin.minPINLength;
  let newPin = await ctx.prompter.secret(`New PIN (at least ${min} characters): `);
  let confirmPin = await ctx.prompter.secret('New PIN again: ');
  try {
    const result = await ctx.service.setPin(key.id, newPin, confirmPin);
    ctx.out.result(result, () => `PIN set.${retriesText(result)}`);
  } finally {
    newPin = confirmPin = '';
  }
}

export async function pinChangeCommand(ctx: CommandContext): Promise<void> {
  const key = await selectKey(ctx);
  const info = await ctx.service.getKeyInfo(key.id);
  if (info.kind === 'u2f-only') throw await outcome('U2F_ONLY');
  if (!info.pin.isSet) throw await outcome('PIN_NOT_SET', { hint: 'Set one with "skm pin set".' });
  if (info.pin.blocked) throw await outcome('PIN_BLOCKED');
  const min = info.pin.minPINLength;
  let currentPin = await ctx.prompter.secret('Current PIN: ');
  let newPin = await ctx.prompter.secret(`New PIN (at least ${min} characters): `);
  let confirmPin = await ctx.prompter.secret('New PIN again: ');
  try {
    const result = await ctx.service.changePin(key.id, currentPin, newPin, confirmPin);
    ctx.out.result(result, () => `PIN changed.${retriesText(result)}`);
  } finally {
    currentPin = newPin = confirmPin = '';
  }
}

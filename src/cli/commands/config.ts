/**
 * `skm config min-pin-length N | force-pin-change | always-uv` (CTAP 2.1 §6.11 authenticatorConfig:
 * §6.11.4 setMinPINLength, §6.11.3 toggleAlwaysUv). Checked against getInfo before the PIN is asked
 * for, so an unsupported or impossible change fails without touching the key.
 */
import type { KeySettingsResult } from '../../usecases/types.js';
import type { Command } from '../args.js';
import { outcome } from '../cli-error.js';
import { selectKey, type CommandContext } from '../context.js';
import { formatFields } from '../output.js';

type ConfigCommand = Extract<Command, { name: 'config' }>;

export async function configCommand(ctx: CommandContext, cmd: ConfigCommand): Promise<void> {
  const key = await selectKey(ctx);
  const info = await ctx.service.getKeyInfo(key.id);
  if (info.kind === 'u2f-only') throw await outcome('U2F_ONLY');
  const s = info.supports;
  let change: { minPINLength?: number; forcePINChange?: boolean; toggleAlwaysUv?: boolean };
  switch (cmd.setting) {
    case 'min-pin-length':
      if (!s.setMinPINLength) throw await outcome('NOT_SUPPORTED', { message: 'This key cannot change its minimum PIN length.' });
      if (cmd.value < info.pin.minPINLength) {
        throw await outcome('INVALID_ARGUMENT', {
          message: `The minimum PIN length is ${info.pin.minPINLength} and can only be raised, not lowered to ${cmd.value}. Nothing was changed.`,
          hint: 'Only a factory reset lowers it again.',
        });
      }
      change = { minPINLength: cmd.value };
      break;
    case 'force-pin-change':
      if (!s.setMinPINLength) throw await outcome('NOT_SUPPORTED', { message: 'This key cannot require a PIN change.' });
      if (!info.pin.isSet) throw await outcome('PIN_NOT_SET', { hint: 'Set a PIN with "skm pin set" first.' });
      change = { forcePINChange: true };
      break;
    case 'always-uv':
      if (!s.alwaysUv) throw await outcome('NOT_SUPPORTED', { message: 'This key cannot toggle "always require user verification".' });
      change = { toggleAlwaysUv: true };
      break;
  }
  if (info.pin.blocked) throw await outcome('PIN_BLOCKED');
  if (!info.pin.isSet) throw await outcome('PIN_NOT_SET', { message: 'Changing key settings needs the PIN, and this key has none yet.', hint: 'Set one with "skm pin set".' });
  let pin = await ctx.prompter.secret('PIN: ');
  try {
    const result = await ctx.service.updateSettings(key.id, pin, change);
    ctx.out.result(result, () => `Settings updated.\n${renderSettings(result)}`);
  } finally {
    pin = '';
  }
}

export function renderSettings(r: KeySettingsResult): string {
  return formatFields([
    ['Minimum PIN length', `${r.minPINLength} characters`],
    ['PIN change required', r.forcePINChange ? 'yes' : 'no'],
    ['Always require PIN', r.alwaysUv === undefined ? undefined : r.alwaysUv ? 'yes' : 'no'],
  ]);
}

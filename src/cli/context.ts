/**
 * What every key command gets: the service, output, prompter, progress view, and key selection
 * (CTAP 2.1 §11.2 HID enumeration: with no --device and exactly one key, use it).
 */
import type { KeySummary } from '../usecases/types.js';
import type { GlobalOptions } from './args.js';
import { outcome } from './cli-error.js';
import type { Output } from './output.js';
import type { ProgressView } from './progress.js';
import type { Prompter } from './prompt.js';
import type { CliKeyService } from './service.js';
import type { CliSoftwareKey } from './software-key.js';

export interface CommandContext {
  service: CliKeyService;
  out: Output;
  prompter: Prompter;
  progress: ProgressView;
  options: GlobalOptions;
  /** The key this command works on; set by selectKey so Ctrl-C can cancel on it. */
  keyId?: string;
  /** The in-process key of --simulator, which the reset command unplugs and replugs. */
  softwareKey?: CliSoftwareKey;
  /** Set while a reset is running, so Ctrl-C cancels the reset wizard. */
  resetRunning?: boolean;
}

/** Pick the key: --device if given, else the only key; NO_KEY / MULTIPLE_KEYS otherwise. */
export async function selectKey(ctx: CommandContext): Promise<KeySummary> {
  const keys = await ctx.service.listKeys();
  const wanted = ctx.options.device;
  let key: KeySummary | undefined;
  if (wanted !== undefined) {
    key = keys.find((k) => k.id === wanted);
    if (!key) {
      throw await outcome('KEY_NOT_FOUND', {
        message: `No key with id "${wanted}" is connected.`,
        hint: keys.length ? `Connected keys: ${keys.map((k) => k.id).join(', ')}` : 'Plug in your security key; "skm list" shows the ids.',
      });
    }
  } else if (keys.length === 0) {
    throw await outcome('NO_KEY', sourceHint(ctx));
  } else if (keys.length > 1) {
    throw await outcome('MULTIPLE_KEYS', {
      message: `${keys.length} security keys are connected: ${keys.map(describeKey).join('; ')}.`,
      hint: 'Choose one with --device ID (ids as "skm list" shows them), or unplug the others.',
    });
  } else {
    key = keys[0]!;
  }
  ctx.keyId = key.id;
  return key;
}

function sourceHint(ctx: CommandContext): { hint?: string } {
  const s = ctx.options.source;
  if (s.kind === 'udp') {
    return { hint: `Nothing answered at ${s.device.host}:${s.device.port}. Is "skm simulator" (or your key bridge) running there?` };
  }
  return {};
}

export function describeKey(k: KeySummary): string {
  const name = [k.manufacturer, k.product].filter(Boolean).join(' ') || 'security key';
  return `${k.id} (${name})`;
}

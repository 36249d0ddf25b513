/** `skm info` and `skm pin status`: what the key is and its PIN state (CTAP 2.1 §6.4 getInfo, §6.5.5.2 getPINRetries). */
import type { KeyInfo, PinStatus } from '../../usecases/types.js';
import { selectKey, type CommandContext } from '../context.js';
import { formatFields } from '../output.js';

export async function infoCommand(ctx: CommandContext): Promise<void> {
  const key = await selectKey(ctx);
  const info = await ctx.service.getKeyInfo(key.id);
  ctx.out.result(info, () => renderInfo(info));
}

export async function pinStatusCommand(ctx: CommandContext): Promise<void> {
  const key = await selectKey(ctx);
  const info = await ctx.service.getKeyInfo(key.id);
  ctx.out.result(info.pin, () => renderPinStatus(info.pin));
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

export function pinSummary(p: PinStatus): string {
  if (p.blocked) return 'blocked (only a factory reset helps)';
  if (!p.isSet) return 'not set';
  const parts = ['set'];
  if (p.retries !== undefined) parts.push(`${p.retries} ${p.retries === 1 ? 'attempt' : 'attempts'} left`);
  if (p.powerCycleState) parts.push('unplug and replug before the next attempt');
  if (p.forcePINChange) parts.push('must be changed before use');
  return parts.join(', ');
}

export function renderPinStatus(p: PinStatus): string {
  return formatFields([
    ['PIN', pinSummary(p)],
    ['Minimum length', `${p.minPINLength} characters`],
    ['Maximum length', `${p.maxPINLengthBytes} bytes`],
    ['Change required', yesNo(p.forcePINChange)],
    ['PIN protocols', p.pinUvAuthProtocols.length ? p.pinUvAuthProtocols.join(', ') : 'none'],
  ]);
}

export function renderInfo(info: KeyInfo): string {
  const s = info.supports;
  const supported = [
    s.selection && 'selection',
    s.credentialManagement && 'passkey management',
    s.config && 'config',
    s.setMinPINLength && 'min PIN length',
    s.alwaysUv && 'always UV',
    s.wink && 'wink',
    s.longTouchForReset && 'long touch for reset',
  ].filter((x): x is string => typeof x === 'string');
  const caps = info.hid.capabilities;
  const head = formatFields([
    ['Key', `${info.key.id} (${info.key.transport})`],
    ['Model', `${info.model.name}${info.model.known ? '' : ' (unrecognised model)'}`],
    ['AAGUID', info.model.aaguid],
    ['Kind', info.kind === 'fido2' ? 'FIDO2' : 'U2F only'],
    ['Firmware', info.firmwareVersion],
    ['CTAP versions', info.ctapVersions.join(', ') || '-'],
    ['PIN', pinSummary(info.pin)],
    ['Minimum PIN length', `${info.pin.minPINLength} characters`],
    ['Passkey slots left', info.remainingDiscoverableCredentials?.toString()],
    [
      'HID',
      `CTAPHID v${info.hid.ctaphidProtocolVersion}, device ${info.hid.deviceVersion}; wink ${yesNo(caps.wink)}, cbor ${yesNo(caps.cbor)}, nmsg ${yesNo(caps.nmsg)}`,
    ],
    ['Supports', supported.length ? supported.join(', ') : '-'],
  ]);
  if (info.options.length === 0) return head;
  const w = Math.max(...info.options.map((o) => o.name.length));
  const opts = info.options.map((o) => `  ${o.name.padEnd(w)}  ${String(o.value).padEnd(5)}  ${o.label}`);
  return `${head}\nOptions\n${opts.join('\n')}`;
}

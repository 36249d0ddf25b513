/**
 * A plain-text report about one key for the Local Administrator: model, firmware, PIN state
 * (never the PIN), options and the raw getInfo (CTAP 2.1 §6.4). Built only from KeyInfo, which
 * holds no secrets, so nothing secret can leak into it.
 */
import type { KeyInfo, OrgProfile } from './types.js';

export interface SupportReportContext {
  appVersion: string;
  platform: string;
  profile?: OrgProfile;
  /** Injected for tests. */
  now?: Date;
}

function hex4(n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`;
}

export function buildSupportReport(info: KeyInfo, ctx: SupportReportContext): string {
  const k = info.key;
  const lines: string[] = [];
  const add = (label: string, value: string | number | boolean | undefined) => {
    if (value !== undefined && value !== '') lines.push(`${label.padEnd(26)} ${value}`);
  };
  lines.push('Security Key Manager - support report');
  lines.push('This report holds no PIN and no passkeys. It is safe to send to your Local Administrator.');
  lines.push('');
  add('Created', (ctx.now ?? new Date()).toISOString());
  add('App version', ctx.appVersion);
  add('Computer', ctx.platform);
  if (ctx.profile) add('Organisation', `${ctx.profile.organisationName} (support: ${ctx.profile.supportContact})`);
  lines.push('');
  lines.push('Key');
  add('  Model', `${info.model.name}${info.model.known ? '' : ' (model not in the list of known keys)'}`);
  add('  Kind', info.kind === 'fido2' ? 'FIDO2 security key' : 'U2F-only security key (older type)');
  add('  AAGUID', info.model.aaguid);
  add('  Firmware', info.firmwareVersion);
  add('  Connection', k.transport === 'usb' ? 'USB' : k.transport === 'udp' ? 'network simulator (UDP)' : 'built-in software key');
  add('  Demo key', k.isDemo ? 'yes' : undefined);
  add('  USB vendor / product', `${hex4(k.vendorId)} / ${hex4(k.productId)}`);
  add('  Manufacturer', k.manufacturer);
  add('  Product', k.product);
  add('  Serial number', k.serialNumber);
  add('  CTAP versions', info.ctapVersions.join(', '));
  add('  CTAPHID', `protocol ${info.hid.ctaphidProtocolVersion}, device version ${info.hid.deviceVersion}, ` +
    `wink ${yesNo(info.hid.capabilities.wink)}, CBOR ${yesNo(info.hid.capabilities.cbor)}, U2F messages ${yesNo(!info.hid.capabilities.nmsg)}`);
  lines.push('');
  lines.push('PIN');
  if (info.kind === 'u2f-only') {
    lines.push('  This key has no PIN support.');
  } else {
    add('  PIN set', yesNo(info.pin.isSet));
    add('  Tries left', info.pin.retries);
    add('  Locked', info.pin.blocked ? 'yes - only a factory reset helps' : 'no');
    add('  Needs reinsert first', info.pin.powerCycleState === undefined ? undefined : yesNo(info.pin.powerCycleState));
    add('  Must change PIN', yesNo(info.pin.forcePINChange));
    add('  Minimum PIN length', `${info.pin.minPINLength} characters`);
    add('  PIN protocols', info.pin.pinUvAuthProtocols.join(', '));
  }
  if (info.remainingDiscoverableCredentials !== undefined) {
    lines.push('');
    add('Room for more passkeys', info.remainingDiscoverableCredentials);
  }
  if (info.options.length > 0) {
    lines.push('');
    lines.push('Options');
    for (const o of info.options) lines.push(`  ${o.name} = ${o.value}: ${o.label}`);
  }
  if (info.limitations) {
    lines.push('');
    lines.push('What this key can do here');
    for (const c of info.limitations.can) lines.push(`  + ${c}`);
    for (const c of info.limitations.cannot) lines.push(`  - ${c}`);
  }
  lines.push('');
  lines.push('getInfo (as the key reported it)');
  lines.push(JSON.stringify(info.getInfo, null, 2).replace(/^/gm, '  '));
  return `${lines.join('\n')}\n`;
}

function yesNo(b: boolean): string {
  return b ? 'yes' : 'no';
}

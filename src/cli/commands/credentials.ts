/**
 * `skm credentials list|delete` (CTAP 2.1 §6.8 authenticatorCredentialManagement). Needs the PIN
 * (a pinUvAuthToken with the cm permission); the session is always closed, which drops the token.
 */
import type { PasskeyList } from '../../usecases/types.js';
import { outcome } from '../cli-error.js';
import { selectKey, type CommandContext } from '../context.js';
import { formatTable } from '../output.js';

async function openSession(ctx: CommandContext): Promise<{ session: string; list: PasskeyList }> {
  const key = await selectKey(ctx);
  const info = await ctx.service.getKeyInfo(key.id);
  if (info.kind === 'u2f-only') throw await outcome('U2F_ONLY');
  if (!info.supports.credentialManagement) {
    throw await outcome('NOT_SUPPORTED', { message: 'This key cannot list or delete the passkeys stored on it.' });
  }
  if (info.pin.blocked) throw await outcome('PIN_BLOCKED');
  if (!info.pin.isSet) {
    throw await outcome('PIN_NOT_SET', {
      message: 'This key has no PIN, and passkeys can only be managed with one. A key without a PIN holds no passkeys that need it.',
      hint: 'Set a PIN with "skm pin set".',
    });
  }
  let pin = await ctx.prompter.secret('PIN: ');
  try {
    return await ctx.service.listPasskeys(key.id, pin);
  } finally {
    pin = '';
  }
}

export async function credentialsListCommand(ctx: CommandContext): Promise<void> {
  const { session, list } = await openSession(ctx);
  try {
    ctx.out.result(list, () => renderPasskeys(list));
  } finally {
    await ctx.service.closePasskeys(session).catch(() => undefined);
  }
}

export async function credentialsDeleteCommand(ctx: CommandContext, credentialId: string): Promise<void> {
  const { session, list } = await openSession(ctx);
  try {
    const site = list.sites.find((s) => s.passkeys.some((p) => p.credentialId.toLowerCase() === credentialId));
    const passkey = site?.passkeys.find((p) => p.credentialId.toLowerCase() === credentialId);
    if (!site || !passkey) {
      throw await outcome('INVALID_ARGUMENT', {
        message: `No passkey with credential id ${credentialId} is stored on this key. Nothing was deleted.`,
        hint: '"skm credentials list" shows the ids.',
      });
    }
    if (ctx.prompter.interactive) {
      const who = passkey.userName ?? passkey.userDisplayName ?? passkey.userId;
      const answer = await ctx.prompter.line(`Delete the passkey for ${who} on ${site.rpId}? It cannot be undone. [yes/no]: `);
      if (!answer || !/^(y|yes)$/i.test(answer.trim())) throw await outcome('CANCELLED', { message: 'Nothing was deleted.' });
    }
    const after = await ctx.service.deletePasskey(session, credentialId);
    ctx.out.result(after, () => `Deleted the passkey for ${passkey.userName ?? passkey.userId} on ${site.rpId}.\n\n${renderPasskeys(after)}`);
  } finally {
    await ctx.service.closePasskeys(session).catch(() => undefined);
  }
}

export function renderPasskeys(list: PasskeyList): string {
  const rows = list.sites.flatMap((s) =>
    s.passkeys.map((p) => [s.rpId, p.userName ?? p.userDisplayName ?? '-', p.credentialId]),
  );
  const counts = `${list.existingCount} ${list.existingCount === 1 ? 'passkey' : 'passkeys'} stored, room for ${list.remainingCount} more.`;
  if (rows.length === 0) return `No passkeys on this key. ${counts}`;
  return `${formatTable(['SITE', 'USER', 'CREDENTIAL ID'], rows)}\n\n${counts}`;
}

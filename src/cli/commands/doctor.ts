/** `skm doctor`: can this computer talk to security keys over USB HID (CTAP 2.1 §11.2)? Exit 1 when a check fails. */
import type { DoctorReport } from '../../usecases/types.js';
import type { CommandContext } from '../context.js';

const MARK = { ok: '[ ok ]', warn: '[warn]', fail: '[FAIL]', skip: '[skip]' } as const;

/** Returns true when no check failed. */
export async function doctorCommand(ctx: CommandContext): Promise<boolean> {
  const report = await ctx.service.runDoctor();
  ctx.out.result(report, () => renderDoctor(report));
  return !report.checks.some((c) => c.status === 'fail');
}

export function renderDoctor(r: DoctorReport): string {
  const lines = [`Platform: ${r.platform}`, ''];
  for (const c of r.checks) {
    lines.push(`${MARK[c.status]} ${c.title}`);
    if (c.detail) lines.push(`       ${c.detail}`);
    if (c.fix) lines.push(`       Fix: ${c.fix}`);
  }
  const failed = r.checks.filter((c) => c.status === 'fail').length;
  lines.push('', failed ? `${failed} ${failed === 1 ? 'problem' : 'problems'} found.` : 'No problems found.');
  return lines.join('\n');
}

/**
 * Runs as an unprivileged user (uid 65534) in the guest, where the hidraw node is root-only
 * (0600, no udev rule): what does the doctor say, and what error does the app get on open?
 * Prints one JSON line for the suite to judge.
 */
import * as nodeHidModule from '../../src/transport/node-hid.js';
import * as doctorModule from '../../src/usecases/doctor.js';
import * as errorInfoModule from '../../src/usecases/to-error-info.js';
import { SkmError } from '../../src/errors.js';

async function main(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { uid: process.getuid?.() };
  const { NodeHidProvider } = nodeHidModule as Partial<typeof nodeHidModule>;
  const { runDoctor } = doctorModule as Partial<typeof doctorModule>;
  const { toErrorInfo } = errorInfoModule as Partial<typeof errorInfoModule>;
  if (!NodeHidProvider || !runDoctor || !toErrorInfo) return { ...out, error: 'node-hid transport, doctor or toErrorInfo missing in src/' };

  const report = await runDoctor({ platform: 'linux' });
  const hidraw = report.checks.find((c) => c.id === 'hidraw-access');
  out.doctor = hidraw && { status: hidraw.status, fix: hidraw.fix, detail: hidraw.detail };

  const provider = new NodeHidProvider();
  const list = await provider.list();
  out.listed = list.length;
  const target = list[0]?.path ?? process.env.HIDRAW;
  if (!target) return { ...out, error: 'nothing to open' };
  try {
    const conn = await provider.open(target);
    await conn.close();
  } catch (e) {
    const info = toErrorInfo(e);
    out.open = {
      code: e instanceof SkmError ? e.code : String(e),
      fix: (e as { fix?: string }).fix,
      infoCode: info.code,
      infoFix: info.fix,
    };
  }
  return out;
}

main().then(
  (out) => process.stdout.write(`${JSON.stringify(out)}\n`),
  (e: unknown) => process.stdout.write(`${JSON.stringify({ uid: process.getuid?.(), error: e instanceof Error ? e.message : String(e) })}\n`),
);

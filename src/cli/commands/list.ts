/** `skm list`: connected keys as enumeration sees them (CTAP 2.1 §11.2.8.1 HID usage page 0xF1D0). */
import type { KeySummary } from '../../usecases/types.js';
import type { CommandContext } from '../context.js';
import { formatTable, hex4 } from '../output.js';

export async function listCommand(ctx: CommandContext): Promise<void> {
  const keys = await ctx.service.listKeys();
  ctx.out.result({ keys }, () => renderKeys(keys));
}

export function renderKeys(keys: KeySummary[]): string {
  if (keys.length === 0) return 'No security keys connected.';
  return formatTable(
    ['ID', 'TRANSPORT', 'VID:PID', 'PRODUCT', 'SERIAL'],
    keys.map((k) => [
      k.id,
      k.isDemo ? `${k.transport} (demo)` : k.transport,
      `${hex4(k.vendorId)}:${hex4(k.productId)}`,
      [k.manufacturer, k.product].filter(Boolean).join(' ') || '-',
      k.serialNumber ?? '-',
    ]),
  );
}

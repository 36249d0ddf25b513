/**
 * Small display formatters shared by the screens (no spec logic; the countdown follows the
 * CTAP 2.1 §6.6 authenticatorReset window reported by the key service).
 */

/** "8 seconds", "1 second", "0 seconds": remaining time rounded up so 0.2 s still reads 1. */
export function formatCountdown(ms: number | undefined): string {
  const s = Math.max(0, Math.ceil((ms ?? 0) / 1000));
  return `${s} ${s === 1 ? 'second' : 'seconds'}`;
}

/** Time left right now, given the last reported value and when it arrived. Never below zero. */
export function remainingNow(reportedMs: number, receivedAt: number, now: number): number {
  return Math.max(0, reportedMs - Math.max(0, now - receivedAt));
}

/** Share of the window left, 0..1, for a progress bar. */
export function windowFraction(remainingMs: number, windowMs: number): number {
  if (!(windowMs > 0)) return 0;
  return Math.min(1, Math.max(0, remainingMs / windowMs));
}

/** USB vendor:product as four hex digits each, e.g. "1050:0407". */
export function formatUsbId(vendorId: number, productId: number): string {
  const hex = (n: number) => (n >>> 0).toString(16).padStart(4, '0').slice(-4);
  return `${hex(vendorId)}:${hex(productId)}`;
}

/** "1 try" / "3 tries". */
export function formatTries(n: number): string {
  return `${n} ${n === 1 ? 'try' : 'tries'}`;
}

/** Pretty JSON for the raw getInfo disclosure; stable key order as given by the service. */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** "1 passkey" / "2 passkeys". */
export function formatCount(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

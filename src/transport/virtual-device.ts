/**
 * The device side of the seam: what a software key (or a bridge to one) looks like to the
 * in-memory transport, the UDP server and the uhid bridge. Like a real HID device, every input
 * report goes to every open connection; channels (not connections) keep hosts apart.
 */
export interface VirtualHidDevice {
  /** Host → device: one 64-byte output report. Ignored while unplugged. */
  receive(report: Uint8Array): void;
  /** Device → host reports. Returns an unsubscribe function. */
  onReport(listener: (report: Uint8Array) => void): () => void;
  /** Called when the device is unplugged. Returns an unsubscribe function. */
  onDisconnect(listener: () => void): () => void;
  readonly connected: boolean;
}

/**
 * The transport seam, in the shape of python-fido2's `CtapHidConnection` and libfido2's I/O table:
 * write one 64-byte report, read one report with a timeout, close. Reports never carry the
 * HID report-ID byte here; the node-hid transport adds it on write.
 */

export interface HidConnection {
  /** Send one 64-byte output report. Rejects DisconnectedError when the key is gone. */
  write(report: Uint8Array): Promise<void>;
  /** Wait up to `timeoutMs` for one 64-byte input report. Rejects TimeoutError or DisconnectedError. */
  read(timeoutMs: number): Promise<Uint8Array>;
  /** Release the device. Safe to call twice. */
  close(): Promise<void>;
}

export type TransportKind = 'usb' | 'udp' | 'memory';

/** One attached FIDO HID device, as enumeration reports it (no connection opened). */
export interface HidDeviceDescriptor {
  /** Opaque, stable while the key stays plugged in: a hidraw path, `udp:host:port` or `memory:name`. */
  path: string;
  transport: TransportKind;
  vendorId: number;
  productId: number;
  manufacturer?: string;
  product?: string;
  serialNumber?: string;
}

/** A source of devices: node-hid, a UDP simulator address, or in-memory software keys. */
export interface DeviceProvider {
  list(): Promise<HidDeviceDescriptor[]>;
  open(path: string): Promise<HidConnection>;
}

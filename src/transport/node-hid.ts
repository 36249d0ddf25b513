/**
 * USB HID transport on node-hid (CTAP 2.1 §11.2 "USB HID"): the only file that imports node-hid,
 * loaded lazily so the rest of the app (and the tests) run without the native module. Adds the
 * report-ID byte on write, treats an empty read as a timeout, and turns native failures into
 * named errors with a fix the user can act on.
 */
import {
  DisconnectedError,
  NativeLibraryMissingError,
  PermissionDeniedError,
  type SkmError,
  TimeoutError,
  TransportError,
} from '../errors.js';
import { UDEV_RULE_FILE, udevRuleInstallCommand } from './udev-rule.js';
import type { DeviceProvider, HidConnection, HidDeviceDescriptor } from './connection.js';

/** FIDO HID usage page and usage (§11.2.8.1). */
export const FIDO_USAGE_PAGE = 0xf1d0;
export const FIDO_USAGE = 0x01;


/** The parts of node-hid this file uses (node-hid 3). */
export interface NodeHidDeviceInfo {
  vendorId: number;
  productId: number;
  path?: string;
  serialNumber?: string;
  manufacturer?: string;
  product?: string;
  usagePage?: number;
  usage?: number;
}

/** An open node-hid HIDAsync device. */
export interface NodeHidDevice {
  write(values: number[] | Buffer): Promise<number>;
  read(timeoutMs?: number): Promise<Buffer | undefined>;
  close(): Promise<void>;
}

/** The node-hid module surface (devicesAsync, HIDAsync.open, setDriverType). */
export interface NodeHidModule {
  devicesAsync(): Promise<NodeHidDeviceInfo[]>;
  HIDAsync: { open(path: string): Promise<NodeHidDevice> };
  setDriverType?(type: 'hidraw' | 'libusb'): void;
}

/** What was being done when a native call failed. */
export type HidOperation = 'load' | 'list' | 'open' | 'read' | 'write';

/**
 * Classify a native node-hid failure (pure, so it is testable with fake messages):
 * permission problems, a missing shared library, or a key that went away.
 */
export function classifyNodeHidError(
  error: unknown,
  operation: HidOperation,
  platform: NodeJS.Platform = process.platform,
  udevRulePath?: string,
): SkmError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const text = `${typeof code === 'string' ? code : ''} ${message}`.toLowerCase();

  const library = /lib(usb-1\.0|udev)[^\s:]*/.exec(text);
  if (library && /(cannot open shared object|no such file|not found|error loading|image not found|dlopen|cannot load)/.test(text)) {
    const name = library[1] === 'udev' ? 'libudev' : 'libusb-1.0';
    const pkg = name === 'libudev' ? 'libudev1' : 'libusb-1.0-0';
    return new NativeLibraryMissingError(
      name,
      `The system library ${name} is missing, so USB keys cannot be used. Install it (on Debian and Ubuntu: sudo apt install ${pkg}) and start the app again.`,
      { cause: error },
    );
  }

  if (/eacces|eperm|permission denied|access denied|not permitted/.test(text) || (operation === 'open' && /cannot open device/.test(text))) {
    return new PermissionDeniedError(
      'This app is not allowed to open the security key.',
      permissionFix(platform, udevRulePath),
      { cause: error },
    );
  }

  if (
    /enodev|enxio|enoent|no such device|device (has been )?disconnected|device not found|could not read|cannot read|cannot write|could not write|read error|write error|not connected/.test(text)
  ) {
    return new DisconnectedError('The key was disconnected', { cause: error });
  }

  return new TransportError(`USB HID ${operation} failed: ${message}`, { cause: error });
}

function permissionFix(platform: NodeJS.Platform, udevRulePath?: string): string {
  switch (platform) {
    case 'linux':
      return `Install the app's udev rule (${UDEV_RULE_FILE}), then unplug the key and plug it in again: ${udevRuleInstallCommand(udevRulePath)}`;
    case 'win32':
      return 'Windows lets only administrators talk to security keys directly: run the app as administrator.';
    case 'darwin':
      return 'Close other apps that use the key (browsers, password managers) and allow this app under System Settings > Privacy & Security if asked, then try again.';
    default:
      return 'Check that your user may open HID devices, then unplug the key and plug it in again.';
  }
}

type Loader = () => Promise<NodeHidModule>;

let cached: Promise<NodeHidModule> | undefined;

/** Import node-hid on first use; on Linux select the hidraw driver (it reports usage pages). */
async function loadNodeHid(): Promise<NodeHidModule> {
  cached ??= (async () => {
    const imported = (await import('node-hid')) as unknown as NodeHidModule & { default?: NodeHidModule };
    const mod = imported.default ?? imported;
    if (process.platform === 'linux') mod.setDriverType?.('hidraw');
    return mod;
  })().catch((e: unknown) => {
    cached = undefined;
    throw classifyNodeHidError(e, 'load');
  });
  return cached;
}

/** One open key. Reports are 64 bytes without report ID; node-hid wants report ID 0 first. */
export class NodeHidConnection implements HidConnection {
  private closed = false;

  constructor(private readonly device: NodeHidDevice) {}

  async write(report: Uint8Array): Promise<void> {
    if (this.closed) throw new DisconnectedError('Connection closed');
    const out = Buffer.alloc(65);
    out[0] = 0x00;
    out.set(report.subarray(0, 64), 1);
    let written: number;
    try {
      written = await this.device.write(out);
    } catch (e) {
      throw classifyNodeHidError(e, 'write');
    }
    if (written < 0) throw new DisconnectedError('The key was disconnected');
  }

  async read(timeoutMs: number): Promise<Uint8Array> {
    if (this.closed) throw new DisconnectedError('Connection closed');
    let data: Buffer | undefined;
    try {
      data = await this.device.read(Math.max(0, Math.floor(timeoutMs)));
    } catch (e) {
      throw classifyNodeHidError(e, 'read');
    }
    if (!data || data.length === 0) throw new TimeoutError();
    const report = new Uint8Array(64);
    report.set(data.subarray(0, 64));
    return report;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.device.close();
    } catch {
      // Closing a key that is already gone is fine.
    }
  }
}

/** Lists and opens FIDO keys (usage page 0xF1D0, usage 0x01) through node-hid. */
export class NodeHidProvider implements DeviceProvider {
  /**
   * `load` replaces the node-hid import (tests); `udevRulePath` is where this install keeps its
   * udev rule, so a permission error can name the exact command that fixes it.
   */
  constructor(
    private readonly load: Loader = loadNodeHid,
    private readonly udevRulePath?: string,
  ) {}

  async list(): Promise<HidDeviceDescriptor[]> {
    const hid = await this.load();
    let devices: NodeHidDeviceInfo[];
    try {
      devices = await hid.devicesAsync();
    } catch (e) {
      throw classifyNodeHidError(e, 'list', process.platform, this.udevRulePath);
    }
    const seen = new Set<string>();
    const out: HidDeviceDescriptor[] = [];
    for (const d of devices) {
      if (d.usagePage !== FIDO_USAGE_PAGE || d.usage !== FIDO_USAGE || !d.path || seen.has(d.path)) continue;
      seen.add(d.path);
      const desc: HidDeviceDescriptor = { path: d.path, transport: 'usb', vendorId: d.vendorId, productId: d.productId };
      if (d.manufacturer) desc.manufacturer = d.manufacturer;
      if (d.product) desc.product = d.product;
      if (d.serialNumber) desc.serialNumber = d.serialNumber;
      out.push(desc);
    }
    return out;
  }

  async open(path: string): Promise<HidConnection> {
    const hid = await this.load();
    try {
      return new NodeHidConnection(await hid.HIDAsync.open(path));
    } catch (e) {
      throw classifyNodeHidError(e, 'open', process.platform, this.udevRulePath);
    }
  }
}

/**
 * Exposes any VirtualHidDevice (normally the software authenticator) as a genuine Linux HID
 * device through /dev/uhid, so hidraw, node-hid and libfido2 reach it exactly as they reach a USB
 * key (CTAP 2.1 §11.2 USB HID transport; FIDO usage page 0xF1D0). Linux only, needs root (or
 * access to /dev/uhid) and the uhid + hid-generic modules.
 *
 * Destroying and re-creating the uhid device is a real unplug and replug: the hidraw node goes
 * away, open handles fail, and a new node appears.
 */
import { closeSync, constants, existsSync, openSync, readdirSync, readFileSync, readSync, writeSync } from 'node:fs';
import type { VirtualHidDevice } from '../../src/transport/virtual-device.js';

/** struct uhid_event (linux/uhid.h): u32 type, then a packed union; sizeof is 4380. */
export const UHID_EVENT_SIZE = 4380;
export const UhidEvent = {
  DESTROY: 1,
  START: 2,
  STOP: 3,
  OPEN: 4,
  CLOSE: 5,
  OUTPUT: 6,
  GET_REPORT: 9,
  GET_REPORT_REPLY: 10,
  CREATE2: 11,
  INPUT2: 12,
  SET_REPORT: 13,
  SET_REPORT_REPLY: 14,
} as const;
const BUS_USB = 0x03;
const EIO = 5;
const HID_REPORT_SIZE = 64;

/**
 * FIDO HID report descriptor (CTAP 2.1 §11.2.8.1): usage page 0xF1D0, usage 0x01, one 64-byte
 * input and one 64-byte output report, no report IDs.
 */
export const FIDO_REPORT_DESCRIPTOR = Uint8Array.from([
  0x06, 0xd0, 0xf1, // Usage Page (FIDO Alliance)
  0x09, 0x01, // Usage (CTAPHID)
  0xa1, 0x01, // Collection (Application)
  0x09, 0x20, //   Usage (Input Report Data)
  0x15, 0x00, //   Logical Minimum (0)
  0x26, 0xff, 0x00, //   Logical Maximum (255)
  0x75, 0x08, //   Report Size (8)
  0x95, 0x40, //   Report Count (64)
  0x81, 0x02, //   Input (Data, Variable, Absolute)
  0x09, 0x21, //   Usage (Output Report Data)
  0x15, 0x00, //   Logical Minimum (0)
  0x26, 0xff, 0x00, //   Logical Maximum (255)
  0x75, 0x08, //   Report Size (8)
  0x95, 0x40, //   Report Count (64)
  0x91, 0x02, //   Output (Data, Variable, Absolute)
  0xc0, // End Collection
]);

export interface UhidIdentity {
  /** HID name; hidraw hosts show it as the product string. */
  name: string;
  vendorId: number;
  productId: number;
  /** HID uniq; hidraw hosts show it as the serial number. Also how we find our hidraw node. */
  serialNumber: string;
  version?: number;
}

/** The device side of a uhid device, bridging UHID_OUTPUT / UHID_INPUT2 to a VirtualHidDevice. */
export class UhidBridge {
  private fd: number | null = null;
  private poller: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void)[] = [];
  private readonly event = Buffer.alloc(UHID_EVENT_SIZE);
  /** Kernel events seen, by type (for the suite's own assertions). */
  readonly seen = new Map<number, number>();
  /** Set by UHID_OPEN / UHID_CLOSE: whether some host has the hidraw node open. */
  opened = false;

  constructor(
    readonly device: VirtualHidDevice,
    readonly identity: UhidIdentity,
    private readonly uhidPath = '/dev/uhid',
  ) {}

  get created(): boolean {
    return this.fd !== null;
  }

  /** Plug in: UHID_CREATE2. The hidraw node appears shortly after (see waitForHidraw). */
  create(): void {
    if (this.fd !== null) return;
    // Non-blocking so reading events never freezes the event loop; we poll instead.
    const fd = openSync(this.uhidPath, constants.O_RDWR | constants.O_NONBLOCK);
    const ev = Buffer.alloc(UHID_EVENT_SIZE);
    ev.writeUInt32LE(UhidEvent.CREATE2, 0);
    ev.write(this.identity.name.slice(0, 127), 4, 'utf8');
    ev.write('uhid-test-rig', 132, 'utf8');
    ev.write(this.identity.serialNumber.slice(0, 63), 196, 'utf8');
    ev.writeUInt16LE(FIDO_REPORT_DESCRIPTOR.length, 260);
    ev.writeUInt16LE(BUS_USB, 262);
    ev.writeUInt32LE(this.identity.vendorId, 264);
    ev.writeUInt32LE(this.identity.productId, 268);
    ev.writeUInt32LE(this.identity.version ?? 0x0100, 272);
    ev.writeUInt32LE(0, 276);
    ev.set(FIDO_REPORT_DESCRIPTOR, 280);
    try {
      writeSync(fd, ev);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    this.fd = fd;
    this.unsubscribe = [
      this.device.onReport((report) => this.sendInput(report)),
      // The authenticator unplugging itself is an unplug of the HID device too.
      this.device.onDisconnect(() => this.destroy()),
    ];
    this.poller = setInterval(() => this.drain(), 1);
  }

  /** Unplug: UHID_DESTROY, then close. Pending hidraw reads on the host fail. */
  destroy(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    this.opened = false;
    const ev = Buffer.alloc(8);
    ev.writeUInt32LE(UhidEvent.DESTROY, 0);
    try {
      writeSync(fd, ev);
    } finally {
      // Closing alone would destroy it too; the explicit event keeps the order obvious.
      closeSync(fd);
    }
  }

  /**
   * The /dev/hidrawN node of this device, once the kernel and hid-generic have created it.
   * Found through sysfs by our unique serial number (no udev runs in the guest).
   */
  async waitForHidraw(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const node = this.findHidraw();
      if (node && existsSync(node)) return node;
      if (Date.now() > deadline) throw new Error(`no hidraw node for ${this.identity.serialNumber} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Current /dev/hidrawN of this device, or undefined while it has none. */
  findHidraw(): string | undefined {
    const base = '/sys/bus/hid/devices';
    if (!existsSync(base)) return undefined;
    for (const dev of readdirSync(base)) {
      let uevent: string;
      try {
        uevent = readFileSync(`${base}/${dev}/uevent`, 'utf8');
      } catch {
        continue; // went away while we looked
      }
      if (!uevent.split('\n').includes(`HID_UNIQ=${this.identity.serialNumber}`)) continue;
      try {
        const [raw] = readdirSync(`${base}/${dev}/hidraw`);
        if (raw) return `/dev/${raw}`;
      } catch {
        // no hidraw child yet
      }
    }
    return undefined;
  }

  private drain(): void {
    while (this.fd !== null) {
      let n: number;
      try {
        n = readSync(this.fd, this.event, 0, UHID_EVENT_SIZE, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') return;
        throw e;
      }
      if (n < 4) return;
      this.handle(this.event.readUInt32LE(0));
    }
  }

  private handle(type: number): void {
    this.seen.set(type, (this.seen.get(type) ?? 0) + 1);
    switch (type) {
      case UhidEvent.OPEN:
        this.opened = true;
        return;
      case UhidEvent.CLOSE:
        this.opened = false;
        return;
      case UhidEvent.OUTPUT: {
        // struct uhid_output_req: data[4096], u16 size, u8 rtype.
        const size = this.event.readUInt16LE(4 + 4096);
        let data = this.event.subarray(4, 4 + Math.min(size, 4096));
        // Without report IDs the host still writes 65 bytes with report ID 0x00 first; uhid passes it on.
        if (data.length === HID_REPORT_SIZE + 1 && data[0] === 0) data = data.subarray(1);
        if (data.length !== HID_REPORT_SIZE) return; // not a CTAPHID packet; a real key ignores it too
        if (this.device.connected) this.device.receive(Uint8Array.from(data));
        return;
      }
      case UhidEvent.GET_REPORT:
      case UhidEvent.SET_REPORT: {
        // No feature reports on a FIDO key; answer at once so the kernel does not wait out its timeout.
        const reply = Buffer.alloc(16);
        reply.writeUInt32LE(type === UhidEvent.GET_REPORT ? UhidEvent.GET_REPORT_REPLY : UhidEvent.SET_REPORT_REPLY, 0);
        reply.writeUInt32LE(this.event.readUInt32LE(4), 4);
        reply.writeUInt16LE(EIO, 8);
        this.write(reply);
        return;
      }
      default:
        return; // START, STOP: nothing to do
    }
  }

  private sendInput(report: Uint8Array): void {
    // struct uhid_input2_req: u16 size, data[4096]; short writes are zero-extended by the kernel.
    const ev = Buffer.alloc(6 + HID_REPORT_SIZE);
    ev.writeUInt32LE(UhidEvent.INPUT2, 0);
    ev.writeUInt16LE(HID_REPORT_SIZE, 4);
    ev.set(report.subarray(0, HID_REPORT_SIZE), 6);
    this.write(ev);
  }

  private write(ev: Buffer): void {
    if (this.fd === null) return;
    writeSync(this.fd, ev);
  }
}

import { describe, expect, it } from 'vitest';
import {
  DisconnectedError,
  NativeLibraryMissingError,
  PermissionDeniedError,
  TimeoutError,
  TransportError,
} from '../../../src/errors.js';
import {
  NodeHidProvider,
  type NodeHidDevice,
  type NodeHidModule,
  classifyNodeHidError,
} from '../../../src/transport/node-hid.js';

describe('classifyNodeHidError', () => {
  it('permission denied on Linux points at the udev rule and replugging', () => {
    for (const message of ['cannot open device with path /dev/hidraw3', 'EACCES: permission denied, open /dev/hidraw3']) {
      const e = classifyNodeHidError(new Error(message), 'open', 'linux');
      expect(e).toBeInstanceOf(PermissionDeniedError);
      expect((e as PermissionDeniedError).fix).toContain('resources/linux/70-security-key-manager.rules');
      expect((e as PermissionDeniedError).fix).toMatch(/unplug the key and plug it in again/);
    }
    const coded = Object.assign(new Error('open failed'), { code: 'EACCES' });
    expect(classifyNodeHidError(coded, 'open', 'linux')).toBeInstanceOf(PermissionDeniedError);
  });

  it('permission denied on Windows says to run as administrator', () => {
    const e = classifyNodeHidError(new Error('cannot open device with path \\\\?\\hid#vid_1050'), 'open', 'win32') as PermissionDeniedError;
    expect(e).toBeInstanceOf(PermissionDeniedError);
    expect(e.fix).toMatch(/administrator/);
  });

  it('a missing libusb or libudev names the library and the Debian package', () => {
    const usb = classifyNodeHidError(new Error('libusb-1.0.so.0: cannot open shared object file: No such file or directory'), 'load', 'linux');
    expect(usb).toBeInstanceOf(NativeLibraryMissingError);
    expect((usb as NativeLibraryMissingError).library).toBe('libusb-1.0');
    expect(usb.message).toContain('libusb-1.0-0');
    const udev = classifyNodeHidError(new Error('Error loading shared library libudev.so.1: No such file or directory'), 'list', 'linux');
    expect(udev).toBeInstanceOf(NativeLibraryMissingError);
    expect((udev as NativeLibraryMissingError).library).toBe('libudev');
    expect(udev.message).toContain('libudev1');
  });

  it('a key that went away is DisconnectedError', () => {
    for (const message of ['could not read from HID device', 'Cannot write to hid device', 'ENODEV: No such device']) {
      expect(classifyNodeHidError(new Error(message), 'read', 'linux')).toBeInstanceOf(DisconnectedError);
    }
  });

  it('anything else is a TransportError that keeps the cause', () => {
    const cause = new Error('something odd');
    const e = classifyNodeHidError(cause, 'list', 'linux');
    expect(e).toBeInstanceOf(TransportError);
    expect(e.cause).toBe(cause);
    // "cannot open device" outside open is not a permission problem
    expect(classifyNodeHidError(new Error('weird'), 'write', 'linux')).toBeInstanceOf(TransportError);
  });
});

class FakeHid implements NodeHidDevice {
  written: Buffer[] = [];
  reads: (Buffer | undefined | Error)[] = [];
  closed = 0;
  async write(values: number[] | Buffer): Promise<number> {
    this.written.push(Buffer.from(values as Buffer));
    return 65;
  }
  async read(): Promise<Buffer | undefined> {
    const r = this.reads.shift();
    if (r instanceof Error) throw r;
    return r;
  }
  async close(): Promise<void> {
    this.closed++;
  }
}

function fakeModule(dev: FakeHid, openError?: Error): NodeHidModule & { opened: string[] } {
  const opened: string[] = [];
  return {
    opened,
    async devicesAsync() {
      return [
        { vendorId: 0x1050, productId: 0x0407, path: '/dev/hidraw1', usagePage: 0xf1d0, usage: 1, manufacturer: 'Yubico', product: 'YubiKey OTP+FIDO+CCID', serialNumber: '' },
        { vendorId: 0x1050, productId: 0x0407, path: '/dev/hidraw0', usagePage: 0x0001, usage: 6, product: 'keyboard interface' },
        { vendorId: 0x20a0, productId: 0x42b1, path: '/dev/hidraw5', usagePage: 0xf1d0, usage: 1, serialNumber: 'ABC' },
        { vendorId: 0x20a0, productId: 0x42b1, usagePage: 0xf1d0, usage: 1 }, // no path: unusable
      ];
    },
    HIDAsync: {
      async open(path: string) {
        if (openError) throw openError;
        opened.push(path);
        return dev;
      },
    },
  };
}

describe('NodeHidProvider', () => {
  it('lists FIDO interfaces only (usage page 0xF1D0, usage 1)', async () => {
    const provider = new NodeHidProvider(async () => fakeModule(new FakeHid()));
    expect(await provider.list()).toEqual([
      { path: '/dev/hidraw1', transport: 'usb', vendorId: 0x1050, productId: 0x0407, manufacturer: 'Yubico', product: 'YubiKey OTP+FIDO+CCID' },
      { path: '/dev/hidraw5', transport: 'usb', vendorId: 0x20a0, productId: 0x42b1, serialNumber: 'ABC' },
    ]);
  });

  it('writes 65 bytes with report ID 0 first; an empty read is a timeout; reports come back as 64 bytes', async () => {
    const hid = new FakeHid();
    const mod = fakeModule(hid);
    const conn = await new NodeHidProvider(async () => mod).open('/dev/hidraw1');
    expect(mod.opened).toEqual(['/dev/hidraw1']);
    const report = Uint8Array.from({ length: 64 }, (_, i) => i + 1);
    await conn.write(report);
    expect(hid.written[0]!).toHaveLength(65);
    expect(hid.written[0]![0]).toBe(0);
    expect([...hid.written[0]!.subarray(1)]).toEqual([...report]);
    hid.reads.push(undefined, Buffer.alloc(0), Buffer.from(report));
    await expect(conn.read(10)).rejects.toBeInstanceOf(TimeoutError);
    await expect(conn.read(10)).rejects.toBeInstanceOf(TimeoutError);
    expect([...(await conn.read(10))]).toEqual([...report]);
    hid.reads.push(new Error('could not read from HID device'));
    await expect(conn.read(10)).rejects.toBeInstanceOf(DisconnectedError);
    await conn.close();
    await conn.close();
    expect(hid.closed).toBe(1);
    await expect(conn.write(report)).rejects.toBeInstanceOf(DisconnectedError);
  });

  it('turns an open failure into a named error', async () => {
    const provider = new NodeHidProvider(async () => fakeModule(new FakeHid(), new Error('cannot open device with path /dev/hidraw1')));
    await expect(provider.open('/dev/hidraw1')).rejects.toBeInstanceOf(PermissionDeniedError);
  });
});

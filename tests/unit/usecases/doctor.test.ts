import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { declaresFidoUsage, runDoctor } from '../../../src/usecases/doctor.js';
import { UDEV_RULE_FILE } from '../../../src/transport/udev-rule.js';

/** A HID report descriptor that starts with Usage Page (FIDO) 0xF1D0, Usage (CTAPHID) 0x01. */
const FIDO_DESCRIPTOR = Buffer.from('06d0f10901a1010920150026ff007508954081020921150026ff00750895409102c0', 'hex');
const KEYBOARD_DESCRIPTOR = Buffer.from('05010906a101050719e029e715002501750195088102950175088103c0', 'hex');

describe('doctor (Linux) against a fake filesystem root', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'skm-doctor-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const file = (rel: string, content: string | Buffer = '') => {
    const p = join(root, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, content);
  };
  const hidraw = (n: number, descriptor: Buffer) => {
    file(`dev/hidraw${n}`);
    file(`sys/class/hidraw/hidraw${n}/device/report_descriptor`, descriptor);
  };
  const base = {
    platform: 'linux' as const,
    ldconfig: async () => '\tlibudev.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libudev.so.1\n\tlibusb-1.0.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libusb-1.0.so.0\n',
    probeNodeHid: async () => 1,
  };
  const check = async (id: string, opts: Partial<Parameters<typeof runDoctor>[0]> = {}) =>
    (await runDoctor({ ...base, root, ...opts })).checks.find((c) => c.id === id)!;

  it('all good: key accessible, rule installed, libraries present, node-hid loads', async () => {
    hidraw(0, KEYBOARD_DESCRIPTOR);
    hidraw(1, FIDO_DESCRIPTOR);
    file(`etc/udev/rules.d/${UDEV_RULE_FILE}`, 'ENV{ID_FIDO_TOKEN}=="1", TAG+="uaccess"\n');
    const seen: string[] = [];
    const report = await runDoctor({ ...base, root, canReadWrite: async (p) => (seen.push(p), true) });
    expect(report.platform).toBe('linux');
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['hidraw-access', 'ok'],
      ['udev-rule', 'ok'],
      ['libudev', 'ok'],
      ['libusb', 'ok'],
      ['node-hid', 'ok'],
    ]);
    // Only the FIDO device was checked, not the keyboard.
    expect(seen).toEqual([join(root, 'dev/hidraw1')]);
  });

  it('a FIDO key the user cannot open: fail, with the exact fix', async () => {
    hidraw(3, FIDO_DESCRIPTOR);
    const c = await check('hidraw-access', { canReadWrite: async () => false });
    expect(c.status).toBe('fail');
    expect(c.detail).toMatch(/\/dev\/hidraw3/);
    expect(c.fix).toMatch(/udevadm control --reload-rules/);
    expect(c.fix).toMatch(new RegExp(UDEV_RULE_FILE.replace(/\./g, '\\.')));
  });

  it("names this install's own copy of the rule, quoted when the path has spaces", async () => {
    hidraw(3, FIDO_DESCRIPTOR);
    const c = await check('hidraw-access', { canReadWrite: async () => false, udevRulePath: '/opt/Security Key Manager/resources/linux/x.rules' });
    expect(c.fix).toContain("sudo cp '/opt/Security Key Manager/resources/linux/x.rules' /etc/udev/rules.d/70-security-key-manager.rules");
  });

  it('uses real file permissions by default', async () => {
    hidraw(2, FIDO_DESCRIPTOR);
    expect((await check('hidraw-access')).status).toBe('ok');
  });

  it('no key plugged in: skip', async () => {
    expect((await check('hidraw-access')).status).toBe('skip');
    hidraw(0, KEYBOARD_DESCRIPTOR);
    expect((await check('hidraw-access')).status).toBe('skip');
  });

  it('no udev rule: fail with the install command', async () => {
    const c = await check('udev-rule');
    expect(c.status).toBe('fail');
    expect(c.fix).toMatch(/sudo cp .*70-security-key-manager\.rules \/etc\/udev\/rules\.d\//);
  });

  it('accepts libfido2 70-u2f.rules, or systemd fido_id plus uaccess for security tokens', async () => {
    file('lib/udev/rules.d/70-u2f.rules', 'KERNEL=="hidraw*", ATTRS{idVendor}=="1050", TAG+="uaccess"\n');
    expect((await check('udev-rule')).status).toBe('ok');
    rmSync(join(root, 'lib'), { recursive: true });
    file('usr/lib/udev/rules.d/60-fido-id.rules', 'SUBSYSTEM=="hidraw", IMPORT{program}="fido_id"\n');
    expect((await check('udev-rule')).status).toBe('fail');
    file('usr/lib/udev/rules.d/70-uaccess.rules', 'ENV{ID_SECURITY_TOKEN}=="1", TAG+="uaccess"\n');
    expect((await check('udev-rule')).status).toBe('ok');
  });

  it('missing libraries: libudev fails, libusb warns, each with the package to install', async () => {
    const opts = { ldconfig: async () => undefined };
    const udev = await check('libudev', opts);
    expect(udev.status).toBe('fail');
    expect(udev.fix).toMatch(/apt install libudev1/);
    const usb = await check('libusb', opts);
    expect(usb.status).toBe('warn');
    expect(usb.fix).toMatch(/libusb-1\.0-0/);
    file('usr/lib64/libudev.so.1');
    expect((await check('libudev', opts)).status).toBe('ok');
  });

  it('node-hid failing to load is a fail with a fix', async () => {
    const c = await check('node-hid', { probeNodeHid: async () => Promise.reject(new Error('cannot open shared object')) });
    expect(c.status).toBe('fail');
    expect(c.detail).toMatch(/cannot open shared object/);
    expect(c.fix).toBeTruthy();
  });

  it('recognises the FIDO usage page in a report descriptor', () => {
    expect(declaresFidoUsage(FIDO_DESCRIPTOR)).toBe(true);
    expect(declaresFidoUsage(KEYBOARD_DESCRIPTOR)).toBe(false);
  });
});

describe('doctor (Windows, macOS)', () => {
  it('Windows 10 1903+ without admin: fail, saying so plainly, with both fixes', async () => {
    const r = await runDoctor({ platform: 'win32', probeNodeHid: async () => 0, windowsBuild: () => 19045, isElevated: async () => false });
    const c = r.checks.find((x) => x.id === 'windows-admin')!;
    expect(c.status).toBe('fail');
    expect(c.detail).toMatch(/administrator/);
    expect(c.fix).toMatch(/Run as administrator/);
    expect(c.fix).toMatch(/Sign-in options > Security Key/);
    expect(r.checks.some((x) => x.id === 'udev-rule')).toBe(false);
  });

  it('Windows as administrator, or before 1903: ok', async () => {
    const a = await runDoctor({ platform: 'win32', probeNodeHid: async () => 0, windowsBuild: () => 22631, isElevated: async () => true });
    expect(a.checks.find((x) => x.id === 'windows-admin')!.status).toBe('ok');
    const b = await runDoctor({ platform: 'win32', probeNodeHid: async () => 0, windowsBuild: () => 17763, isElevated: async () => false });
    expect(b.checks.find((x) => x.id === 'windows-admin')!.status).toBe('ok');
  });

  it('macOS: nothing special', async () => {
    const r = await runDoctor({ platform: 'darwin', probeNodeHid: async () => 2 });
    expect(r.checks.map((c) => [c.id, c.status])).toEqual([
      ['node-hid', 'ok'],
      ['macos', 'ok'],
    ]);
  });
});

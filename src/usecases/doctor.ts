/**
 * Doctor: checks that this computer lets Security Key Manager talk to FIDO keys over USB HID
 * (CTAP 2.1 §11.2 USB HID transport) and prints the exact fix for each problem. Filesystem roots,
 * the library listing and the native probe are injectable so tests run it against a temp dir.
 */
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readdir, readFile } from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';
import type { DoctorCheck, DoctorReport } from './types.js';
import { nativeLibraryFix } from './to-error-info.js';
import { UDEV_RULE_FILE, udevRuleInstallCommand } from '../transport/udev-rule.js';

const UDEV_DIRS = ['etc/udev/rules.d', 'run/udev/rules.d', 'lib/udev/rules.d', 'usr/lib/udev/rules.d'];
const LIB_DIRS = ['usr/lib/x86_64-linux-gnu', 'lib/x86_64-linux-gnu', 'usr/lib/aarch64-linux-gnu', 'lib/aarch64-linux-gnu', 'usr/lib64', 'lib64', 'usr/lib', 'lib'];
/** Windows 10 1903 (build 18362) reserves raw FIDO HID access to administrators. */
export const WINDOWS_FIDO_ADMIN_BUILD = 18362;

function installRuleFix(rulePath?: string): string {
  return `${udevRuleInstallCommand(rulePath)}   (then unplug and reinsert the key)`;
}

export interface DoctorOptions {
  platform?: NodeJS.Platform;
  /** Filesystem root the Linux checks look under (default "/"). */
  root?: string;
  /** Output of `ldconfig -p`; undefined when ldconfig is not available. */
  ldconfig?: () => Promise<string | undefined>;
  /** Can this user read and write the path? Default fs.access(R_OK|W_OK), which honours ACLs set by uaccess. */
  canReadWrite?: (path: string) => Promise<boolean>;
  /** Load node-hid and list devices; throws when the native module cannot load. */
  probeNodeHid?: () => Promise<number>;
  /** Windows: build number and whether this process runs elevated. */
  windowsBuild?: () => number;
  isElevated?: () => Promise<boolean>;
  /** Where this install keeps its udev rule, for the fix text (default: the source checkout's copy). */
  udevRulePath?: string;
}

/** Run every check that applies to this platform. Never throws; each problem is a failed check. */
export async function runDoctor(opts: DoctorOptions = {}): Promise<DoctorReport> {
  const platform = opts.platform ?? process.platform;
  const checks: DoctorCheck[] = [];
  if (platform === 'linux') {
    const root = opts.root ?? '/';
    checks.push(await checkHidraw(root, opts.canReadWrite ?? defaultCanReadWrite, installRuleFix(opts.udevRulePath)));
    checks.push(await checkUdevRule(root, installRuleFix(opts.udevRulePath)));
    const ld = await (opts.ldconfig ?? defaultLdconfig)().catch(() => undefined);
    checks.push(await checkLibrary(root, ld, 'libudev', 'libudev.so.1', 'fail', 'node-hid finds keys through libudev.'));
    checks.push(await checkLibrary(root, ld, 'libusb', 'libusb-1.0.so.0', 'warn', 'Only the libusb build of node-hid needs it; the default hidraw build does not.'));
  }
  checks.push(await checkNodeHid(opts.probeNodeHid ?? defaultProbeNodeHid, platform));
  if (platform === 'win32') {
    checks.push(await checkWindowsAdmin(opts.windowsBuild ?? defaultWindowsBuild, opts.isElevated ?? defaultIsElevated));
  }
  if (platform === 'darwin') {
    checks.push({ id: 'macos', title: 'macOS access to security keys', status: 'ok', detail: 'macOS lets any signed-in user use security keys; nothing to set up.' });
  }
  return { platform, checks };
}

async function defaultCanReadWrite(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

/** FIDO usage page 0xF1D0 (CTAP 2.1 §11.2.8.1) declared in a HID report descriptor: "06 D0 F1". */
export function declaresFidoUsage(descriptor: Uint8Array): boolean {
  for (let i = 0; i + 2 < descriptor.length; i++) {
    if (descriptor[i] === 0x06 && descriptor[i + 1] === 0xd0 && descriptor[i + 2] === 0xf1) return true;
  }
  return false;
}

async function checkHidraw(root: string, canReadWrite: (p: string) => Promise<boolean>, fix: string): Promise<DoctorCheck> {
  const base = { id: 'hidraw-access', title: 'Access to USB security keys (/dev/hidraw*)' };
  const nodes = (await listDir(join(root, 'dev'))).filter((n) => /^hidraw\d+$/.test(n)).sort();
  if (nodes.length === 0) {
    return { ...base, status: 'skip', detail: 'No HID devices found. Plug in your security key and run the check again.' };
  }
  const fido: string[] = [];
  let known = false;
  for (const n of nodes) {
    try {
      const desc = await readFile(join(root, 'sys/class/hidraw', n, 'device/report_descriptor'));
      known = true;
      if (declaresFidoUsage(desc)) fido.push(n);
    } catch {
      // no sysfs entry: cannot tell, so check it anyway below
    }
  }
  const candidates = known ? fido : nodes;
  if (candidates.length === 0) {
    return { ...base, status: 'skip', detail: 'No security key found among the HID devices. Plug in your security key and run the check again.' };
  }
  const denied: string[] = [];
  for (const n of candidates) if (!(await canReadWrite(join(root, 'dev', n)))) denied.push(`/dev/${n}`);
  const what = known ? 'security key' : 'HID device';
  if (denied.length === 0) {
    return { ...base, status: 'ok', detail: `You can use every ${what} plugged in (${candidates.map((n) => `/dev/${n}`).join(', ')}).` };
  }
  return {
    ...base,
    status: known ? 'fail' : 'warn',
    detail: `You cannot open ${denied.join(', ')}: Linux only lets root use ${known ? 'this security key' : 'these devices'} until a udev rule grants access.`,
    fix,
  };
}

/** Does a rules file grant FIDO keys to the seat user? */
function grantsFido(name: string, content: string): boolean {
  if (name === UDEV_RULE_FILE || name === '70-u2f.rules') return /uaccess/.test(content);
  if (name === '60-fido-id.rules' || name === '70-uaccess.rules' || name === '73-seat-late.rules') return false;
  return /(ID_FIDO_TOKEN|ID_SECURITY_TOKEN|fido_id)/.test(content) && /uaccess/.test(content);
}

async function checkUdevRule(root: string, fix: string): Promise<DoctorCheck> {
  const base = { id: 'udev-rule', title: 'udev rule for FIDO security keys' };
  const found: string[] = [];
  let fidoId = false;
  let uaccessForTokens = false;
  for (const dir of UDEV_DIRS) {
    for (const name of (await listDir(join(root, dir))).filter((n) => n.endsWith('.rules'))) {
      let content: string;
      try {
        content = await readFile(join(root, dir, name), 'utf8');
      } catch {
        continue;
      }
      if (name === '60-fido-id.rules' && /fido_id/.test(content)) fidoId = true;
      if (/ID_SECURITY_TOKEN}=="1".*uaccess/.test(content)) uaccessForTokens = true;
      if (grantsFido(name, content)) found.push(`/${dir}/${name}`);
    }
  }
  if (found.length > 0) return { ...base, status: 'ok', detail: `Installed: ${found.join(', ')}.` };
  if (fidoId && uaccessForTokens) {
    return { ...base, status: 'ok', detail: "systemd's 60-fido-id.rules marks security keys and 70-uaccess.rules gives them to the logged-in user." };
  }
  return {
    ...base,
    status: 'fail',
    detail: fidoId
      ? "systemd's fido_id rule is present, but nothing gives security keys to the logged-in user."
      : 'No udev rule gives the logged-in user access to FIDO security keys.',
    fix,
  };
}

async function checkLibrary(
  root: string,
  ldconfig: string | undefined,
  id: string,
  soname: string,
  missingStatus: 'fail' | 'warn',
  why: string,
): Promise<DoctorCheck> {
  const base = { id, title: `${soname} (system library)` };
  if (ldconfig?.includes(soname)) return { ...base, status: 'ok', detail: `${soname} is installed (listed by ldconfig).` };
  for (const dir of LIB_DIRS) {
    const candidate = join(root, dir, soname);
    try {
      await access(candidate, constants.F_OK);
      return { ...base, status: 'ok', detail: `${soname} is installed (/${dir}/${soname}).` };
    } catch {
      // try the next directory
    }
  }
  return { ...base, status: missingStatus, detail: `${soname} was not found. ${why}`, fix: nativeLibraryFix(id) };
}

async function checkNodeHid(probe: () => Promise<number>, platform: NodeJS.Platform): Promise<DoctorCheck> {
  const base = { id: 'node-hid', title: 'USB HID support (node-hid)' };
  try {
    const count = await probe();
    return { ...base, status: 'ok', detail: `node-hid loaded; ${count} security key${count === 1 ? '' : 's'} found.` };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const fix =
      platform === 'linux'
        ? 'sudo apt install libudev1 libusb-1.0-0, then reinstall Security Key Manager (npm rebuild node-hid when running from source)'
        : 'Reinstall Security Key Manager (npm rebuild node-hid when running from source).';
    return { ...base, status: 'fail', detail: `node-hid could not be loaded: ${message}`, fix };
  }
}

async function checkWindowsAdmin(build: () => number, isElevated: () => Promise<boolean>): Promise<DoctorCheck> {
  const base = { id: 'windows-admin', title: 'Windows access to security keys' };
  const b = build();
  if (b < WINDOWS_FIDO_ADMIN_BUILD) {
    return { ...base, status: 'ok', detail: `This Windows version (build ${b}) lets any user talk to security keys.` };
  }
  if (await isElevated().catch(() => false)) {
    return { ...base, status: 'ok', detail: 'Running as administrator, so Windows lets this app talk to security keys directly.' };
  }
  return {
    ...base,
    status: 'fail',
    detail:
      'Since Windows 10 version 1903, only administrators may talk to security keys directly; other apps must go through Windows itself. Security Key Manager is not running as administrator.',
    fix:
      'Right-click Security Key Manager and choose "Run as administrator". Or use Windows\' own tool: Settings > Accounts > Sign-in options > Security Key > Manage.',
  };
}

function defaultLdconfig(): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('ldconfig', ['-p'], { timeout: 3000 }, (err, stdout) => resolve(err ? undefined : stdout));
  });
}

async function defaultProbeNodeHid(): Promise<number> {
  const { NodeHidProvider } = await import('../transport/node-hid.js');
  return (await new NodeHidProvider().list()).length;
}

function defaultWindowsBuild(): number {
  return Number(release().split('.')[2] ?? 0);
}

/** `net session` only succeeds in an elevated process: a standard check that needs no native code. */
function defaultIsElevated(): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('net', ['session'], { timeout: 3000, windowsHide: true }, (err) => resolve(!err));
  });
}

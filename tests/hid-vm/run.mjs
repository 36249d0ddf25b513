#!/usr/bin/env node
// `npm run test:hid`: the real node-hid/hidraw path without hardware. Builds the guest programs
// and (when needed) the initramfs, boots a Debian kernel in QEMU (TCG) with the host's root shared
// read-only, runs tests/hid-vm/guest-suite.ts against a uhid virtual key, prints the guest's
// results and exits with the guest's status. Skips (exit 0, with the reason) where it cannot run.
//
//   HID_VM_VERBOSE=1     stream the guest's serial console
//   HID_VM_NO_INSTALL=1  never apt-get install the missing pieces
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { QEMU, runGuest } from '../../scripts/hid-vm/boot.mjs';
import { buildGuestPrograms } from '../../scripts/hid-vm/build-guest.mjs';
import { findKernel } from '../../scripts/hid-vm/kernel.mjs';
import { findStaticBusybox } from '../../scripts/hid-vm/initramfs.mjs';

const PROJECT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const APT_PACKAGES = ['qemu-system-x86', 'busybox-static', 'linux-image-amd64', 'fido2-tools'];
const t0 = performance.now();

function skip(reason) {
  console.log(`test:hid skipped: ${reason}`);
  process.exit(0);
}

const onPath = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

function missingPieces() {
  const missing = [];
  if (!onPath(QEMU)) missing.push(`${QEMU} (qemu-system-x86)`);
  if (!findStaticBusybox()) missing.push('a static busybox (busybox-static)');
  if (!findKernel()) missing.push('a kernel in /boot with uhid and 9p modules (linux-image-amd64)');
  if (!onPath('fido2-token')) missing.push('fido2-token (fido2-tools)');
  return missing;
}

function aptInstall() {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...APT_PACKAGES], { stdio: 'inherit', env }).status === 0;
  console.log(`test:hid: installing ${APT_PACKAGES.join(' ')} with apt-get`);
  if (install()) return;
  spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  install();
}

if (process.platform !== 'linux') skip(`needs Linux (uhid, hidraw, QEMU); this is ${process.platform}`);
if (process.arch !== 'x64') skip(`needs an x86-64 host for the Debian amd64 guest kernel; this is ${process.arch}`);
if (process.getuid?.() !== 0) skip('needs root (QEMU shares / with the guest, and apt installs the VM pieces)');
let missing = missingPieces();
if (missing.length && process.env.HID_VM_NO_INSTALL !== '1' && existsSync('/etc/debian_version') && onPath('apt-get')) {
  aptInstall();
  missing = missingPieces();
}
if (missing.length) skip(`missing ${missing.join(', ')}; on Debian: apt-get install ${APT_PACKAGES.join(' ')}`);

const built = await buildGuestPrograms(PROJECT);
if (built.missing.length) {
  // Every module the suite exercises exists; one going missing must fail the run, not thin it out.
  console.log(`test:hid: the guest suite imports modules that do not exist: ${built.missing.join(', ')}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const verbose = process.env.HID_VM_VERBOSE === '1';
const run = await runGuest({
  projectDir: PROJECT,
  command: `node ${path.relative(PROJECT, built.files[0])}`,
  timeoutMs: 170_000,
  onConsole: verbose ? (s) => process.stdout.write(s) : undefined,
});

const results = path.join(run.outDir, 'results.txt');
if (existsSync(results)) {
  if (!verbose) process.stdout.write(readFileSync(results, 'utf8'));
} else {
  console.log('test:hid: the guest wrote no results; last console lines:');
  console.log(run.consoleLog.split('\n').slice(-40).join('\n'));
}
if (run.guestError) console.log(`test:hid: guest init failed: ${run.guestError.trim()}`);
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
console.log(
  `test:hid: guest boot+suite ${secs(run.bootAndRunMs)}, total ${secs(performance.now() - t0)} ` +
    `(${run.kernel.extracted ? 'uncompressed vmlinux' : 'vmlinuz'}${run.initramfsBuilt ? ', initramfs rebuilt' : ''}); ` +
    `console log: ${path.relative(PROJECT, path.join(PROJECT, '.cache', 'hid-vm', 'console.log'))}`,
);
if (run.status === null) {
  console.log(`test:hid: no exit status came back from the guest (QEMU: ${run.qemuStatus})`);
  process.exit(1);
}
process.exit(run.status);

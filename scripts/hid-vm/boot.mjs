// Boots the HID test guest in QEMU and runs one job in it. The guest sees the host's root
// read-only over 9p and one writable 9p share (the job's out directory, mounted back at the same
// project path); the job's exit status comes back through a file there, because QEMU's own exit
// code says nothing about the guest.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findKernel, uncompressedKernel } from './kernel.mjs';
import { ensureInitramfs } from './initramfs.mjs';

export const QEMU = 'qemu-system-x86_64';

/**
 * @param {object} o
 * @param {string} o.projectDir absolute path of the checkout (seen at the same path in the guest)
 * @param {string} o.command shell command run in the guest from projectDir, as root
 * @param {number} [o.timeoutMs] QEMU is killed after this long
 * @param {(chunk: string) => void} [o.onConsole] live serial console output
 * @param {boolean} [o.compressedKernel] boot vmlinuz instead of the extracted vmlinux (for measuring)
 */
export async function runGuest({ projectDir, command, timeoutMs = 150_000, onConsole, compressedKernel = false }) {
  const cacheDir = path.join(projectDir, '.cache', 'hid-vm');
  const outRel = '.cache/hid-vm/out';
  const outDir = path.join(projectDir, outRel);
  const kernel = findKernel();
  if (!kernel) throw new Error('no kernel with uhid and 9p modules under /boot and /lib/modules');
  const t0 = performance.now();
  const image = compressedKernel ? { path: kernel.vmlinuz, extracted: false } : uncompressedKernel(kernel, cacheDir);
  const initrd = ensureInitramfs(kernel, cacheDir);
  const prepareMs = performance.now() - t0;

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(
    path.join(outDir, 'job.env'),
    `HID_VM_PROJECT=${quote(projectDir)}\nHID_VM_OUT=${quote(outRel)}\nHID_VM_COMMAND=${quote(command)}\n`,
  );

  const share = (id, dir, tag, ro) => [
    '-fsdev', `local,id=${id},path=${dir},security_model=none,multidevs=remap${ro ? ',readonly=on' : ''}`,
    '-device', `virtio-9p-pci,fsdev=${id},mount_tag=${tag}`,
  ];
  const args = [
    '-machine', 'pc', '-accel', 'tcg', '-cpu', 'max', '-smp', '2', '-m', '1024',
    '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot',
    '-serial', 'stdio', '-nic', 'none',
    '-kernel', image.path, '-initrd', initrd.path,
    '-append', 'console=ttyS0 quiet loglevel=3 panic=-1 mitigations=off tsc=reliable no_timer_check 8250.nr_uarts=1 i8042.noaux i8042.nokbd',
    ...share('hostroot', '/', 'hostroot', true),
    ...share('results', outDir, 'results', false),
  ];
  const tBoot = performance.now();
  let consoleLog = '';
  const qemuStatus = await new Promise((resolve, reject) => {
    const child = spawn(QEMU, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      consoleLog += `\n[host] guest did not finish in ${timeoutMs} ms; killing QEMU\n`;
      child.kill('SIGKILL');
    }, timeoutMs);
    const onData = (d) => {
      // Serial output has CRLF line ends.
      const s = d.toString('utf8').replace(/\r\n/g, '\n');
      consoleLog += s;
      onConsole?.(s);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve(signal ? `signal ${signal}` : code);
    });
  });
  const bootAndRunMs = performance.now() - tBoot;
  writeFileSync(path.join(cacheDir, 'console.log'), consoleLog);
  const read = (f) => (existsSync(path.join(outDir, f)) ? readFileSync(path.join(outDir, f), 'utf8') : undefined);
  const statusText = read('exit-status');
  return {
    status: statusText === undefined ? null : Number(statusText.trim()),
    guestError: read('guest-error'),
    qemuStatus,
    consoleLog,
    outDir,
    kernel: image,
    initramfsBuilt: initrd.built,
    prepareMs,
    bootAndRunMs,
  };
}

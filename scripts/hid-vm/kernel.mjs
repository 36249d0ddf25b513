// Finds the Debian kernel for the HID test guest and, once, unpacks the uncompressed ELF image
// from its bzImage: the ELF carries a PVH entry point, so QEMU starts it directly and skips the
// in-guest decompression (about 5 s under TCG). Same idea as the kernel's scripts/extract-vmlinux,
// but using the bzImage header to find the payload instead of scanning for magic bytes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Newest kernel under /boot that has a matching /lib/modules tree with uhid and 9p. */
export function findKernel() {
  if (!existsSync('/boot')) return null;
  const versions = readdirSync('/boot')
    .filter((f) => f.startsWith('vmlinuz-'))
    .map((f) => f.slice('vmlinuz-'.length))
    .filter((v) => existsSync(`/lib/modules/${v}/kernel/drivers/hid/uhid.ko`) && existsSync(`/lib/modules/${v}/kernel/fs/9p/9p.ko`))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const version = versions.at(-1);
  return version ? { version, vmlinuz: `/boot/vmlinuz-${version}`, modules: `/lib/modules/${version}` } : null;
}

const DECOMPRESSORS = [
  // [magic, candidate commands]. busybox's unxz lacks the x86 BCJ filter Debian's kernels use, so
  // without xz-utils the boot falls back to vmlinuz (about 4 s slower).
  [Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), [['xz', '-dc', '--single-stream'], ['busybox', 'unxz', '-c']]],
  [Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), [['zstd', '-dc'], ['busybox', 'unzstd', '-c']]],
  [Buffer.from([0x1f, 0x8b]), [['gzip', '-dc'], ['busybox', 'gunzip', '-c']]],
];

/**
 * Returns the path of an uncompressed vmlinux for `kernel`, extracting it into `cacheDir` when
 * missing; falls back to the bzImage itself (slower boot) when extraction is not possible.
 */
export function uncompressedKernel(kernel, cacheDir) {
  const out = path.join(cacheDir, `vmlinux-${kernel.version}`);
  if (existsSync(out)) return { path: out, extracted: true };
  mkdirSync(cacheDir, { recursive: true });
  const image = readFileSync(kernel.vmlinuz);
  // Linux boot protocol (Documentation/arch/x86/boot.rst): setup_sects at 0x1f1, "HdrS" at 0x202,
  // payload_offset/payload_length at 0x248/0x24c, relative to the protected-mode code.
  if (image.toString('latin1', 0x202, 0x206) !== 'HdrS') return { path: kernel.vmlinuz, extracted: false, reason: 'not a bzImage' };
  const setupSects = image[0x1f1] || 4;
  const start = (setupSects + 1) * 512 + image.readUInt32LE(0x248);
  const payload = image.subarray(start, start + image.readUInt32LE(0x24c));
  for (const [magic, commands] of DECOMPRESSORS) {
    if (!payload.subarray(0, magic.length).equals(magic)) continue;
    for (const [cmd, ...args] of commands) {
      const r = spawnSync(cmd, args, { input: payload, maxBuffer: 512 * 1024 * 1024 });
      // Like extract-vmlinux, judge by the result: trailing size bytes make some tools complain.
      if (r.stdout && r.stdout.length > 4 && r.stdout.subarray(0, 4).equals(Buffer.from('\x7fELF', 'latin1'))) {
        writeFileSync(`${out}.tmp`, r.stdout);
        renameSync(`${out}.tmp`, out);
        return { path: out, extracted: true };
      }
    }
  }
  return { path: kernel.vmlinuz, extracted: false, reason: 'no decompressor produced an ELF image' };
}

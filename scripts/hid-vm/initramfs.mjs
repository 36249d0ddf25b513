// Builds the HID test guest's initramfs (an uncompressed newc cpio written here, so no cpio tool
// is needed): static busybox, our /init, /dev/console, and the kernel modules the guest needs
// before it can reach the host's root (virtio, 9p) plus the HID ones (uhid, hid-generic), in
// dependency order. Rebuilt only when an input changes.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const INIT_SCRIPT = path.join(HERE, 'guest-init.sh');
/** What the guest loads; their dependencies are added from modules.dep. */
export const GUEST_MODULES = ['virtio_pci', '9pnet_virtio', '9p', 'uhid', 'hid-generic'];
const BUILDER_VERSION = '1';

/** True when the ELF file has no PT_INTERP, i.e. it runs without the host's dynamic loader. */
function isStaticElf(file) {
  const b = readFileSync(file);
  if (b.length < 64 || b.toString('latin1', 0, 4) !== '\x7fELF' || b[4] !== 2) return false;
  const phoff = Number(b.readBigUInt64LE(0x20));
  const phentsize = b.readUInt16LE(0x36);
  const phnum = b.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) if (b.readUInt32LE(phoff + i * phentsize) === 3) return false;
  return true;
}

/** A statically linked busybox (busybox-static), or null. */
export function findStaticBusybox() {
  return ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p) && isStaticElf(p)) ?? null;
}

/** Module files in load order, resolved from modules.dep; built-in modules are skipped. */
export function moduleLoadOrder(modulesDir, wanted = GUEST_MODULES) {
  const deps = new Map();
  for (const line of readFileSync(path.join(modulesDir, 'modules.dep'), 'utf8').split('\n')) {
    const [file, rest] = line.split(':');
    if (!file || rest === undefined) continue;
    deps.set(file, rest.trim() ? rest.trim().split(/\s+/) : []);
  }
  const byName = new Map();
  for (const file of deps.keys()) {
    const name = path.basename(file).replace(/\.ko(\.(xz|zst|gz))?$/, '').replace(/-/g, '_');
    byName.set(name, file);
  }
  const builtin = existsSync(path.join(modulesDir, 'modules.builtin'))
    ? readFileSync(path.join(modulesDir, 'modules.builtin'), 'utf8')
    : '';
  const order = [];
  const visit = (file) => {
    if (order.includes(file)) return;
    for (const d of deps.get(file) ?? []) visit(d);
    order.push(file);
  };
  for (const want of wanted) {
    const file = byName.get(want.replace(/-/g, '_'));
    if (file) visit(file);
    else if (!builtin.includes(`/${want}.ko`) && !builtin.includes(`/${want.replace(/-/g, '_')}.ko`)) {
      throw new Error(`kernel module ${want} is neither in ${modulesDir} nor built in`);
    }
  }
  return order;
}

/** Module bytes, decompressed when the distribution ships .ko.xz / .ko.zst (busybox insmod wants plain .ko). */
function moduleBytes(file) {
  const raw = readFileSync(file);
  const tools = file.endsWith('.xz')
    ? [['xz', '-dc'], ['busybox', 'unxz', '-c']]
    : file.endsWith('.zst')
      ? [['zstd', '-dc'], ['busybox', 'unzstd', '-c']]
      : file.endsWith('.gz')
        ? [['gzip', '-dc'], ['busybox', 'gunzip', '-c']]
        : null;
  if (!tools) return raw;
  for (const [cmd, ...args] of tools) {
    const r = spawnSync(cmd, args, { input: raw, maxBuffer: 64 * 1024 * 1024 });
    if (r.status === 0 && r.stdout.length > 0) return r.stdout;
  }
  throw new Error(`cannot decompress ${file}`);
}

/** newc cpio writer: enough for directories, regular files and character devices. */
class Cpio {
  chunks = [];
  ino = 1;
  add(name, mode, data = Buffer.alloc(0), rdev = [0, 0]) {
    const nameBuf = Buffer.from(`${name}\0`);
    const fields = [this.ino++, mode, 0, 0, 1, 0, data.length, 0, 0, rdev[0], rdev[1], nameBuf.length, 0];
    const header = Buffer.from(`070701${fields.map((f) => f.toString(16).padStart(8, '0')).join('')}`, 'latin1');
    this.chunks.push(header, nameBuf, Buffer.alloc((4 - ((header.length + nameBuf.length) % 4)) % 4));
    this.chunks.push(data, Buffer.alloc((4 - (data.length % 4)) % 4));
  }
  dir(name) {
    this.add(name, 0o40755);
  }
  file(name, data, perm = 0o644) {
    this.add(name, 0o100000 | perm, data);
  }
  chardev(name, major, minor) {
    this.add(name, 0o20600, undefined, [major, minor]);
  }
  finish() {
    this.add('TRAILER!!!', 0);
    const body = Buffer.concat(this.chunks);
    return Buffer.concat([body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
  }
}

/**
 * Returns the path of an initramfs for `kernel` in `cacheDir`, building it when an input changed.
 * @param {{ version: string, modules: string }} kernel
 */
export function ensureInitramfs(kernel, cacheDir) {
  const busybox = findStaticBusybox();
  if (!busybox) throw new Error('no statically linked busybox (install busybox-static)');
  const modules = moduleLoadOrder(kernel.modules);
  const init = readFileSync(INIT_SCRIPT);
  const bb = statSync(busybox);
  const stamp = createHash('sha256')
    .update(JSON.stringify([BUILDER_VERSION, kernel.version, modules, busybox, bb.size, bb.mtimeMs]))
    .update(init)
    .digest('hex')
    .slice(0, 16);
  const out = path.join(cacheDir, `initramfs-${kernel.version}-${stamp}.cpio`);
  if (existsSync(out)) return { path: out, built: false, modules };

  const cpio = new Cpio();
  for (const d of ['bin', 'sbin', 'dev', 'proc', 'sys', 'newroot', 'results', 'lib', 'lib/modules']) cpio.dir(d);
  cpio.chardev('dev/console', 5, 1);
  cpio.chardev('dev/null', 1, 3);
  cpio.file('bin/busybox', readFileSync(busybox), 0o755);
  cpio.file('init', init, 0o755);
  const order = [];
  for (const m of modules) {
    const base = path.basename(m).replace(/\.(xz|zst|gz)$/, '');
    cpio.file(`lib/modules/${base}`, moduleBytes(path.join(kernel.modules, m)));
    order.push(base);
  }
  cpio.file('lib/modules/modules.order', Buffer.from(`${order.join('\n')}\n`));
  writeFileSync(`${out}.tmp`, cpio.finish());
  renameSync(`${out}.tmp`, out);
  // Older builds are stale now.
  for (const f of readdirSync(cacheDir)) {
    if (f.startsWith('initramfs-') && f.endsWith('.cpio') && path.join(cacheDir, f) !== out) rmSync(path.join(cacheDir, f), { force: true });
  }
  return { path: out, built: true, modules };
}

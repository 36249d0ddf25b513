/**
 * The guest side of `npm run test:hid`: runs inside the QEMU guest as root, with uhid and
 * hid-generic loaded and no udev. Exercises the real node-hid/hidraw path against the software
 * authenticator exposed as a uhid device.
 */
import { bridgeChecks } from './bridge-checks.js';
import { engineChecks, UNPRIVILEGED_CHECK } from './engine-checks.js';
import { Suite } from './harness.js';

async function main(): Promise<number> {
  const suite = new Suite();
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    process.stdout.write('guest suite must run as root on Linux (inside the test VM)\n');
    return 2;
  }
  suite.note(`node ${process.version}, suite started ${process.uptime().toFixed(1)} s after node`);
  await bridgeChecks(suite);
  await engineChecks(suite, { unprivilegedCheck: UNPRIVILEGED_CHECK });
  return suite.finish(process.env.HID_VM_OUT_DIR);
}

main().then(
  (status) => {
    process.exitCode = status;
    // Lingering handles (a node-hid read thread, a timer) must not keep the VM up.
    setTimeout(() => process.exit(status), 50).unref();
  },
  (e: unknown) => {
    process.stderr.write(`guest suite crashed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(3);
  },
);

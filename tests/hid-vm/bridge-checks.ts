/**
 * Stage 1 of the guest suite: the uhid bridge on its own, with the tiny fake CTAPHID device, seen
 * by node-hid directly (hidraw driver) and by libfido2's fido2-token. Proves the rig before the
 * engine and the software authenticator are involved.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as HID from 'node-hid';
import { BROADCAST_CID, CtapHidCmd, fragment, MessageAssembler, parseInitResponse } from '../../src/ctaphid/framing.js';
import type { Suite } from './harness.js';
import { VirtualKey } from './virtual-key.js';

const IDENTITY = { name: 'SKM Bridge Probe', vendorId: 0x1209, productId: 0x0002, serialNumber: 'SKM-BRIDGE-PROBE' };

export async function bridgeChecks(suite: Suite): Promise<void> {
  let key: VirtualKey | undefined;
  let node = '';
  const ok = await suite.check('bridge: UHID_CREATE2 makes a hidraw node (hid-generic bound)', async () => {
    key = await VirtualKey.start('fake', IDENTITY);
    node = key.hidraw!;
    assert.match(node, /^\/dev\/hidraw\d+$/);
  });
  if (!ok || !key) return;
  try {
    await suite.check('bridge: node-hid (hidraw) enumerates it on usage page 0xF1D0, usage 0x01', () => {
      const mine = HID.devices().filter((d) => d.serialNumber === IDENTITY.serialNumber);
      assert.equal(mine.length, 1, `expected one entry, got ${JSON.stringify(mine)}`);
      const d = mine[0]!;
      assert.equal(d.path, node);
      assert.equal(d.usagePage, 0xf1d0);
      assert.equal(d.usage, 0x01);
      assert.equal(d.vendorId, IDENTITY.vendorId);
      assert.equal(d.productId, IDENTITY.productId);
      assert.equal(d.product, IDENTITY.name);
    });

    await suite.check('bridge: a 65-byte INIT write (report ID 0) gets a 64-byte INIT response with our nonce', () => {
      const hid = new HID.HID(node);
      try {
        const nonce = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
        const [report] = fragment(BROADCAST_CID, CtapHidCmd.INIT, nonce);
        const written = hid.write([0x00, ...report!]);
        assert.equal(written, 65);
        const reply = hid.readTimeout(3000);
        assert.equal(reply.length, 64, `input report of ${reply.length} bytes`);
        const msg = new MessageAssembler(BROADCAST_CID).push(Uint8Array.from(reply));
        assert.ok(msg && msg !== 'ignored', 'INIT response not complete in one packet');
        assert.equal(msg.cmd, CtapHidCmd.INIT);
        const init = parseInitResponse(msg.payload);
        assert.deepEqual([...init.nonce], [...nonce]);
        assert.notEqual(init.cid, BROADCAST_CID);
      } finally {
        hid.close();
      }
    });

    await suite.check('bridge: fido2-token -L (libfido2) lists it', () => {
      const r = spawnSync('fido2-token', ['-L'], { encoding: 'utf8', timeout: 10_000 });
      assert.equal(r.status, 0, `fido2-token -L exited ${r.status}: ${r.stderr}`);
      const line = r.stdout.split('\n').find((l) => l.startsWith(`${node}:`));
      assert.ok(line, `no line for ${node} in: ${JSON.stringify(r.stdout)}`);
      assert.match(line, /vendor=0x1209, product=0x0002/);
    });

    await suite.check('bridge: UHID_DESTROY removes the node and node-hid stops listing it', async () => {
      await key!.unplug();
      const t0 = Date.now();
      while (HID.devices().some((d) => d.serialNumber === IDENTITY.serialNumber)) {
        if (Date.now() - t0 > 2000) throw new Error('still listed 2 s after destroy');
        await new Promise((r) => setTimeout(r, 5));
      }
      assert.ok(!existsSync(node), `${node} still exists`);
    });

    await suite.check('bridge: UHID_CREATE2 again is a replug: a hidraw node answers INIT', async () => {
      node = await key!.plug();
      const hid = new HID.HID(node);
      try {
        const [report] = fragment(BROADCAST_CID, CtapHidCmd.INIT, Uint8Array.of(8, 7, 6, 5, 4, 3, 2, 1));
        hid.write([0x00, ...report!]);
        assert.equal(hid.readTimeout(3000).length, 64);
      } finally {
        hid.close();
      }
    });
  } finally {
    await key.stop();
  }
}

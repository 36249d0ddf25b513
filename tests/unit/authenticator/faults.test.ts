import { describe, expect, it } from 'vitest';
import { CtapHidCmd } from '../../../src/ctaphid/framing.js';
import { Cmd, Host, S } from './host.js';

describe('fault injection', () => {
  it('dropNextFrames: the device ignores the next n reports', async () => {
    const h = Host.create();
    const cid = await h.init();
    h.key.faults.dropNextFrames(1);
    h.send(cid, CtapHidCmd.PING, Uint8Array.of(1));
    expect(await h.silentFor(40)).toBe(true);
    h.send(cid, CtapHidCmd.PING, Uint8Array.of(2));
    expect([...(await h.message(cid)).payload]).toEqual([2]);
  });

  it('dropping a continuation leaves the message incomplete: MSG_TIMEOUT', async () => {
    const h = Host.create({ messageTimeoutMs: 40 });
    const cid = await h.init();
    h.key.faults.dropNextFrames(0);
    const payload = new Uint8Array(100);
    const reports = (await import('../../../src/ctaphid/framing.js')).fragment(cid, CtapHidCmd.PING, payload);
    h.key.receive(reports[0]!);
    h.key.faults.dropNextFrames(1);
    h.key.receive(reports[1]!);
    const m = await h.message(cid);
    expect([m.cmd, m.payload[0]]).toEqual([CtapHidCmd.ERROR, S.TIMEOUT]);
  });

  it('duplicateNextFrame: the next outgoing report arrives twice', async () => {
    const h = Host.create();
    const cid = await h.init();
    h.key.faults.duplicateNextFrame();
    h.send(cid, CtapHidCmd.PING, Uint8Array.of(5));
    const a = await h.nextReport();
    const b = await h.nextReport();
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(await h.silentFor(30)).toBe(true);
  });

  it('corruptNextFrame: data bytes of the next outgoing report are inverted, header intact', async () => {
    const h = Host.create();
    const cid = await h.init();
    h.key.faults.corruptNextFrame();
    h.send(cid, CtapHidCmd.PING, Uint8Array.of(0x0f, 0xf0));
    const r = await h.nextReport();
    expect(r[4]).toBe(CtapHidCmd.PING);
    expect([r[7], r[8], r[9]]).toEqual([0xf0, 0x0f, 0xff]);
    h.send(cid, CtapHidCmd.PING, Uint8Array.of(0x0f));
    expect((await h.nextReport())[7]).toBe(0x0f); // only once
  });

  it('stall: no reads and no answers for a while', async () => {
    const h = Host.create();
    const cid = await h.init();
    h.key.faults.stall(60);
    h.send(cid, CtapHidCmd.PING, Uint8Array.of(1));
    expect(await h.silentFor(40)).toBe(true);
    await new Promise((r) => setTimeout(r, 30));
    h.send(cid, CtapHidCmd.PING, Uint8Array.of(2));
    expect([...(await h.message(cid)).payload]).toEqual([2]);
  });

  it('disconnectAfterReports: unplugs mid-message', async () => {
    const h = Host.create();
    let gone = 0;
    h.key.onDisconnect(() => gone++);
    const cid = await h.init();
    h.key.faults.disconnectAfterReports(2);
    h.send(cid, CtapHidCmd.PING, new Uint8Array(300)); // 6 reports back
    await h.nextReport();
    await h.nextReport();
    expect(await h.silentFor(30)).toBe(true);
    expect(h.key.connected).toBe(false);
    expect(gone).toBe(1);
  });

  it('holdChannelBusy: CHANNEL_BUSY for a while, INIT still answered', async () => {
    const h = Host.create();
    const cid = await h.init();
    h.key.faults.holdChannelBusy(50);
    h.send(cid, CtapHidCmd.PING, Uint8Array.of(1));
    const m = await h.message(cid);
    expect([m.cmd, m.payload[0]]).toEqual([CtapHidCmd.ERROR, S.CHANNEL_BUSY]);
    expect(await h.init()).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 60));
    h.send(cid, CtapHidCmd.PING, Uint8Array.of(1));
    expect((await h.message(cid)).cmd).toBe(CtapHidCmd.PING);
  });

  it('endlessKeepalive: keeps sending KEEPALIVE until CANCEL, then the next request is normal', async () => {
    const h = Host.create();
    const cid = await h.init();
    h.key.faults.endlessKeepalive();
    h.send(cid, CtapHidCmd.CBOR, Uint8Array.of(Cmd.INFO));
    for (let i = 0; i < 4; i++) {
      const k = await h.message(cid, { keepalive: true });
      expect([k.cmd, k.payload[0]]).toEqual([CtapHidCmd.KEEPALIVE, 1]);
    }
    h.send(cid, CtapHidCmd.CANCEL, new Uint8Array(0));
    expect([...(await h.message(cid)).payload]).toEqual([S.KEEPALIVE_CANCEL]);
    expect((await h.cbor(cid, Cmd.INFO)).status).toBe(S.OK);
  });

  it('clear() disarms everything', async () => {
    const h = Host.create();
    const cid = await h.init();
    h.key.faults.dropNextFrames(5);
    h.key.faults.holdChannelBusy(10_000);
    h.key.faults.clear();
    h.send(cid, CtapHidCmd.PING, Uint8Array.of(3));
    expect([...(await h.message(cid)).payload]).toEqual([3]);
  });
});

import { describe, expect, it } from 'vitest';
import { CtapHidDevice, type KeepaliveState } from '../../../src/ctaphid/device.js';
import { BROADCAST_CID, CtapHidCmd, encodeInitResponse, fragment } from '../../../src/ctaphid/framing.js';
import {
  CancelledError,
  CtapHidError,
  DeviceBusyError,
  DisconnectedError,
  MessageTooLargeError,
  NotSupportedError,
  ProtocolError,
  TimeoutError,
} from '../../../src/errors.js';
import { Ctap2 } from '../../../src/ctap2/ctap2.js';
import { ScriptedConnection, cidOf, report } from './helpers/fake-connection.js';
import { FAKE_CID, FakeKey } from './helpers/fake-key.js';
import { frames, wire } from './helpers/vectors.js';

const NONCE = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);

function initAnswer(nonce: Uint8Array, cid: number, caps = 0x05): Uint8Array[] {
  return fragment(BROADCAST_CID, CtapHidCmd.INIT, encodeInitResponse({ nonce, cid, protocolVersion: 2, deviceVersion: [5, 2, 1], capabilities: caps }));
}

describe('CTAPHID INIT', () => {
  it('sends the injected nonce on the broadcast channel and keeps the allocated channel', async () => {
    const key = new FakeKey(undefined, 0x0d);
    const dev = await key.open({ nonce: NONCE });
    const init = key.conn.writes[0]!;
    expect(cidOf(init)).toBe(BROADCAST_CID);
    expect([...init.subarray(4, 15)]).toEqual([0x86, 0x00, 0x08, ...NONCE]);
    expect(init.subarray(15).every((b) => b === 0)).toBe(true);
    expect(dev.channel).toBe(FAKE_CID);
    expect(dev.init.capabilities).toMatchObject({ wink: true, cbor: true, nmsg: true });
    expect(dev.init.deviceVersion).toEqual([1, 2, 3]);
    expect(dev.isCtap2).toBe(true);
  });

  it('ignores INIT answers with another nonce and frames on other channels', async () => {
    const conn = new ScriptedConnection((r) => {
      if (cidOf(r) !== BROADCAST_CID) return;
      conn.push(
        ...initAnswer(Uint8Array.from([9, 9, 9, 9, 9, 9, 9, 9]), 0x11111111), // another host's INIT
        report(0x22222222, 0x90, 0x00, 0x01, 0x00), // someone else's CBOR answer
        ...initAnswer(NONCE, 0x33333333),
      );
    });
    const dev = await CtapHidDevice.open(conn, { nonce: NONCE, pollMs: 10 });
    expect(dev.channel).toBe(0x33333333);
  });

  it('times out when nothing answers with our nonce', async () => {
    const conn = new ScriptedConnection((r) => conn.push(...initAnswer(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 1]), 0x1)));
    await expect(CtapHidDevice.open(conn, { nonce: NONCE, timeoutMs: 80, pollMs: 10 })).rejects.toBeInstanceOf(TimeoutError);
  });

  it('uses a random nonce when none is injected', async () => {
    const a = new FakeKey();
    const b = new FakeKey();
    await a.open();
    await b.open();
    expect(a.conn.writes[0]!.subarray(7, 15)).not.toEqual(b.conn.writes[0]!.subarray(7, 15));
  });
});

describe('CTAPHID calls', () => {
  it('PING echoes the largest message (7609 bytes, 129 frames) and refuses 7610 before sending', async () => {
    const key = new FakeKey((req, k) => k.send(req.cmd, req.payload));
    const dev = await key.open();
    const data = Uint8Array.from({ length: 7609 }, (_, i) => (i * 7) & 0xff);
    const before = key.conn.writes.length;
    expect(await dev.ping(data)).toEqual(data);
    expect(key.conn.writes.length - before).toBe(129);
    const written = key.conn.writes.length;
    await expect(dev.ping(new Uint8Array(7610))).rejects.toBeInstanceOf(MessageTooLargeError);
    expect(key.conn.writes.length).toBe(written);
  });

  it('a second concurrent call fails at once with DeviceBusyError; the first still completes', async () => {
    const key = new FakeKey((req, k) => setTimeout(() => k.send(req.cmd, req.payload), 60));
    const dev = await key.open();
    const first = dev.ping(Uint8Array.of(1));
    const started = Date.now();
    await expect(dev.ping(Uint8Array.of(2))).rejects.toBeInstanceOf(DeviceBusyError);
    expect(Date.now() - started).toBeLessThan(30);
    expect(await first).toEqual(Uint8Array.of(1));
    expect(key.sent(CtapHidCmd.PING)).toHaveLength(1);
  });

  it('times out with TimeoutError and cancels an unanswered CBOR request', async () => {
    const key = new FakeKey();
    const dev = await key.open();
    const started = Date.now();
    await expect(dev.cbor(Uint8Array.of(0x04), { timeoutMs: 120 })).rejects.toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    expect(key.sent(CtapHidCmd.CANCEL)).toHaveLength(1);
  });

  it('reports keepalives and never returns one as the answer', async () => {
    const key = new FakeKey((req, k) => {
      k.keepalive(1);
      k.keepalive(2);
      k.keepalive(2);
      k.keepalive(7); // unknown status: ignored
      setTimeout(() => k.cbor(0x00, Uint8Array.of(0xa0)), 30);
    });
    const dev = await key.open();
    const seen: KeepaliveState[] = [];
    const answer = await dev.cbor(Uint8Array.of(0x07), { onKeepalive: (s) => seen.push(s) });
    expect([...answer]).toEqual([0x00, 0xa0]);
    expect(seen).toEqual(['processing', 'up-needed', 'up-needed']);
  });

  it('on abort sends CTAPHID_CANCEL on our channel, waits for KEEPALIVE_CANCEL, rejects CancelledError', async () => {
    const key = new FakeKey((req, k) => {
      if (req.cmd === CtapHidCmd.CANCEL) {
        setTimeout(() => k.cbor(0x2d), 10);
        return;
      }
      if (req.payload[0] === 0x07) {
        k.keepalive(2);
        return; // waits for a touch that never comes
      }
      k.cbor(0x00); // any later request succeeds
    });
    const dev = await key.open();
    const controller = new AbortController();
    const call = dev.cbor(Uint8Array.of(0x07), {
      signal: controller.signal,
      onKeepalive: () => controller.abort(),
    });
    await expect(call).rejects.toBeInstanceOf(CancelledError);
    const cancels = key.sent(CtapHidCmd.CANCEL);
    expect(cancels).toHaveLength(1);
    expect(cancels[0]!.cid).toBe(FAKE_CID);
    expect(cancels[0]!.payload).toHaveLength(0);
    // The KEEPALIVE_CANCEL answer was consumed: the next call gets its own answer.
    expect(key.conn.pending).toBe(0);
    expect([...(await dev.cbor(Uint8Array.of(0x04)))]).toEqual([0x00]);
  });

  it('an already-aborted signal fails before anything is sent', async () => {
    const key = new FakeKey();
    const dev = await key.open();
    const n = key.conn.writes.length;
    await expect(dev.ping(Uint8Array.of(1), { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
    expect(key.conn.writes.length).toBe(n);
  });

  it('retries CHANNEL_BUSY with backoff, then succeeds', async () => {
    let busy = 2;
    const key = new FakeKey((req, k) => {
      if (busy-- > 0) k.send(CtapHidCmd.ERROR, [0x06]);
      else k.send(req.cmd, req.payload);
    });
    const dev = await key.open();
    expect(await dev.ping(Uint8Array.of(5))).toEqual(Uint8Array.of(5));
    expect(key.sent(CtapHidCmd.PING)).toHaveLength(3);
  });

  it('gives up on a key that stays CHANNEL_BUSY with DeviceBusyError after the bounded retries', async () => {
    const key = new FakeKey((req, k) => k.send(CtapHidCmd.ERROR, [0x06]));
    const dev = await key.open({ busyRetryDelaysMs: [5, 5, 5] });
    await expect(dev.ping(Uint8Array.of(5))).rejects.toBeInstanceOf(DeviceBusyError);
    expect(key.sent(CtapHidCmd.PING)).toHaveLength(4);
  });

  it('a budget that runs out after CHANNEL_BUSY is reported as busy, not as a key that never answered', async () => {
    let first = true;
    // Busy once, then silence (the other host's transaction outlasts our budget).
    const key = new FakeKey((req, k) => {
      if (first) k.send(CtapHidCmd.ERROR, [0x06]);
      first = false;
    });
    const dev = await key.open({ busyRetryDelaysMs: [5, 5, 5] });
    await expect(dev.ping(Uint8Array.of(5), { timeoutMs: 150 })).rejects.toBeInstanceOf(DeviceBusyError);
    // Without any CHANNEL_BUSY, the same silence is a timeout.
    const quiet = new FakeKey(() => undefined);
    const dev2 = await quiet.open();
    await expect(dev2.ping(Uint8Array.of(5), { timeoutMs: 150 })).rejects.toBeInstanceOf(TimeoutError);
  });

  it('maps CTAPHID_ERROR to CtapHidError keeping the code', async () => {
    const key = new FakeKey((req, k) => k.send(CtapHidCmd.ERROR, [0x01]));
    const dev = await key.open();
    const err = await dev.ping(Uint8Array.of(1)).catch((e) => e);
    expect(err).toBeInstanceOf(CtapHidError);
    expect(err.status).toBe(0x01);
    expect(err.statusName).toBe('CTAP1_ERR_INVALID_COMMAND');
  });

  it('passes DisconnectedError through when the key is unplugged mid-read', async () => {
    const key = new FakeKey((req, k) => {
      k.keepalive(1);
      setTimeout(() => k.conn.unplug(), 30);
    });
    const dev = await key.open();
    await expect(dev.cbor(Uint8Array.of(0x07))).rejects.toBeInstanceOf(DisconnectedError);
  });

  it('never appends frames of other channels, and drops a stray continuation', async () => {
    const payload = Uint8Array.from({ length: 100 }, (_, i) => i);
    const key = new FakeKey((req, k) => {
      const [init, cont] = fragment(FAKE_CID, CtapHidCmd.PING, payload);
      const foreignCont = Uint8Array.from(cont!);
      new DataView(foreignCont.buffer).setUint32(0, FAKE_CID + 1);
      foreignCont.fill(0xee, 5);
      k.conn.push(
        report(FAKE_CID, 0x05, 0xaa), // leftover continuation of an earlier answer
        init!,
        foreignCont, // same sequence number, wrong channel
        report(0x12345678, 0x81, 0x00, 0x01, 0xff), // another channel's message
        cont!,
      );
    });
    const dev = await key.open();
    expect(await dev.ping(payload)).toEqual(payload);
  });

  it('rejects a continuation out of sequence with ProtocolError', async () => {
    const key = new FakeKey((req, k) => {
      const [init, , second] = fragment(FAKE_CID, CtapHidCmd.PING, new Uint8Array(150));
      k.conn.push(init!, second!);
    });
    const dev = await key.open();
    await expect(dev.ping(new Uint8Array(150))).rejects.toBeInstanceOf(ProtocolError);
  });

  it('rejects an answer to a different command with ProtocolError', async () => {
    const key = new FakeKey((req, k) => k.send(CtapHidCmd.WINK, []));
    const dev = await key.open();
    await expect(dev.ping(Uint8Array.of(1))).rejects.toBeInstanceOf(ProtocolError);
  });

  it('WINK needs the capability', async () => {
    const winker = new FakeKey((req, k) => k.send(req.cmd, []), 0x05);
    await expect((await winker.open()).wink()).resolves.toBeUndefined();
    expect(winker.sent(CtapHidCmd.WINK)).toHaveLength(1);
    const plain = new FakeKey((req, k) => k.send(req.cmd, []), 0x04);
    await expect((await plain.open()).wink()).rejects.toBeInstanceOf(NotSupportedError);
  });
});

describe('U2F-only keys', () => {
  it('are recognised, answer CTAPHID_MSG, and refuse CTAP2 with a clear message', async () => {
    const u2fCid = 0x00009901;
    const sw6985 = frames(wire('WIREDATA_CTAP_U2F_6985', 'libfido2/wiredata_u2f.json'));
    const auth = frames(wire('WIREDATA_CTAP_U2F_AUTH', 'libfido2/wiredata_u2f.json'));
    let msgs = 0;
    const key = new FakeKey(
      (req, k) => {
        if (req.cmd !== CtapHidCmd.MSG) return;
        k.conn.push(...(msgs++ === 0 ? sw6985 : auth));
      },
      0x01, // WINK only, no CBOR
      u2fCid,
    );
    const dev = await key.open();
    expect(dev.isCtap2).toBe(false);
    const first = await dev.msg(Uint8Array.of(0x00, 0x02, 0x03, 0x00));
    expect([...first]).toEqual([0x69, 0x85]);
    const second = await dev.msg(Uint8Array.of(0x00, 0x02, 0x03, 0x00));
    expect(second).toHaveLength(78);
    expect([...second.subarray(-2)]).toEqual([0x90, 0x00]);
    const err = await Ctap2.open(dev).catch((e) => e);
    expect(err).toBeInstanceOf(NotSupportedError);
    expect(err.message).toMatch(/U2F-only/);
    expect(err.message).toMatch(/no PIN/);
    expect(err.message).toMatch(/reset/);
    await expect(dev.cbor(Uint8Array.of(4))).rejects.toBeInstanceOf(NotSupportedError);
  });
});

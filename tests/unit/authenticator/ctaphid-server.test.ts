import { describe, expect, it } from 'vitest';
import { BROADCAST_CID, CtapHidCmd, MAX_MESSAGE_SIZE, parseInitResponse } from '../../../src/ctaphid/framing.js';
import { Cmd, Host, S } from './host.js';
import { until } from '../../support/until.js';

function report(bytes: number[]): Uint8Array {
  const r = new Uint8Array(64);
  r.set(bytes);
  return r;
}

function hidError(m: { cmd: number; payload: Uint8Array }): number {
  expect(m.cmd).toBe(CtapHidCmd.ERROR);
  return m.payload[0]!;
}

describe('CTAPHID INIT and channels (§11.2.9.1.3)', () => {
  it('answers INIT on the broadcast channel byte by byte', async () => {
    const h = Host.create();
    h.key.receive(report([0xff, 0xff, 0xff, 0xff, 0x86, 0x00, 0x08, 9, 8, 7, 6, 5, 4, 3, 2]));
    const r = await h.nextReport();
    expect([...r.subarray(0, 7)]).toEqual([0xff, 0xff, 0xff, 0xff, 0x86, 0x00, 17]);
    expect([...r.subarray(7, 15)]).toEqual([9, 8, 7, 6, 5, 4, 3, 2]); // nonce echoed
    expect([...r.subarray(15, 19)]).toEqual([0, 0, 0, 1]); // first channel
    expect(r[19]).toBe(2); // CTAPHID protocol version
    expect([...r.subarray(20, 23)]).toEqual([5, 7, 0]); // firmware 5.7.0
    expect(r[23]).toBe(0x05); // WINK | CBOR, MSG supported (no NMSG)
    expect([...r.subarray(24)].every((b) => b === 0)).toBe(true);
  });

  it('allocates a distinct channel per INIT and re-synchronises an allocated one', async () => {
    const h = Host.create();
    const a = await h.init();
    const b = await h.init();
    const c = await h.init();
    expect(new Set([a, b, c]).size).toBe(3);
    for (const cid of [a, b, c]) expect(cid === 0 || cid === BROADCAST_CID).toBe(false);
    // INIT on an allocated channel answers on that channel with the same id.
    h.send(b, CtapHidCmd.INIT, Uint8Array.from([1, 1, 1, 1, 2, 2, 2, 2]));
    const m = await h.message(b);
    expect(m.cmd).toBe(CtapHidCmd.INIT);
    const init = parseInitResponse(m.payload);
    expect(init.cid).toBe(b);
    expect([...init.nonce]).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
  });

  it('re-synchronising drops a half-sent message on that channel', async () => {
    const h = Host.create();
    const cid = await h.init();
    const big = new Uint8Array(200).fill(7);
    h.key.receive(report([...u32(cid), CtapHidCmd.PING, 0, 200, ...big.subarray(0, 57)]));
    h.send(cid, CtapHidCmd.INIT, new Uint8Array(8));
    expect((await h.message(cid)).cmd).toBe(CtapHidCmd.INIT);
    // The old continuation is now spurious and ignored; a fresh PING works.
    h.key.receive(report([...u32(cid), 0, ...big.subarray(57, 116)]));
    h.send(cid, CtapHidCmd.PING, Uint8Array.of(1, 2, 3));
    const m = await h.message(cid);
    expect(m.cmd).toBe(CtapHidCmd.PING);
    expect([...m.payload]).toEqual([1, 2, 3]);
  });

  it('refuses INIT with a payload other than 8 bytes (INVALID_LEN) and on channel 0 (INVALID_CHANNEL)', async () => {
    const h = Host.create();
    h.send(BROADCAST_CID, CtapHidCmd.INIT, new Uint8Array(7));
    expect(hidError(await h.message(BROADCAST_CID))).toBe(S.INVALID_LENGTH);
    h.send(0, CtapHidCmd.INIT, new Uint8Array(8));
    expect(hidError(await h.message(0))).toBe(S.INVALID_CHANNEL);
    h.send(0x12345678, CtapHidCmd.INIT, new Uint8Array(8));
    expect(hidError(await h.message(0x12345678))).toBe(S.INVALID_CHANNEL);
  });

  it('refuses other commands on the broadcast, zero or unallocated channels', async () => {
    const h = Host.create();
    await h.init();
    for (const cid of [BROADCAST_CID, 0, 0x0badcafe]) {
      h.send(cid, CtapHidCmd.PING, Uint8Array.of(1));
      expect(hidError(await h.message(cid))).toBe(S.INVALID_CHANNEL);
    }
  });
});

describe('CTAPHID framing limits and errors (§11.2.4)', () => {
  it('echoes PING across many continuation packets, up to 7609 bytes', async () => {
    const h = Host.create();
    const cid = await h.init();
    const data = Uint8Array.from({ length: MAX_MESSAGE_SIZE }, (_, i) => (i * 7) & 0xff);
    h.send(cid, CtapHidCmd.PING, data);
    const m = await h.message(cid);
    expect(m.cmd).toBe(CtapHidCmd.PING);
    expect(Buffer.from(m.payload).equals(Buffer.from(data))).toBe(true);
  });

  it('answers INVALID_LEN for a declared length over 7609', async () => {
    const h = Host.create();
    const cid = await h.init();
    h.key.receive(report([...u32(cid), CtapHidCmd.PING, (7610 >> 8) & 0xff, 7610 & 0xff]));
    expect(hidError(await h.message(cid))).toBe(S.INVALID_LENGTH);
  });

  it('answers INVALID_SEQ for a continuation out of order', async () => {
    const h = Host.create();
    const cid = await h.init();
    h.key.receive(report([...u32(cid), CtapHidCmd.PING, 0, 100]));
    h.key.receive(report([...u32(cid), 1]));
    expect(hidError(await h.message(cid))).toBe(S.INVALID_SEQ);
  });

  it('answers INVALID_SEQ when a new request starts mid-message on the same channel', async () => {
    const h = Host.create();
    const cid = await h.init();
    h.key.receive(report([...u32(cid), CtapHidCmd.PING, 0, 100]));
    h.key.receive(report([...u32(cid), CtapHidCmd.PING, 0, 1, 9]));
    expect(hidError(await h.message(cid))).toBe(S.INVALID_SEQ);
  });

  it('answers MSG_TIMEOUT when a message is left incomplete', async () => {
    const h = Host.create({ messageTimeoutMs: 40 });
    const cid = await h.init();
    h.key.receive(report([...u32(cid), CtapHidCmd.PING, 0, 100]));
    const started = Date.now();
    expect(hidError(await h.message(cid))).toBe(S.TIMEOUT);
    expect(Date.now() - started).toBeGreaterThanOrEqual(30);
  });

  it('ignores a continuation packet with no message in progress', async () => {
    const h = Host.create();
    const cid = await h.init();
    h.key.receive(report([...u32(cid), 0, 1, 2, 3]));
    expect(await h.silentFor(30)).toBe(true);
  });

  it('answers INVALID_CMD for unknown commands and LOCK, INVALID_LEN for an empty CBOR request', async () => {
    const h = Host.create();
    const cid = await h.init();
    h.send(cid, 0xc5, new Uint8Array(0));
    expect(hidError(await h.message(cid))).toBe(S.INVALID_COMMAND);
    h.send(cid, CtapHidCmd.LOCK, Uint8Array.of(5));
    expect(hidError(await h.message(cid))).toBe(S.INVALID_COMMAND);
    h.send(cid, CtapHidCmd.CBOR, new Uint8Array(0));
    expect(hidError(await h.message(cid))).toBe(S.INVALID_LENGTH);
  });

  it('winks and tells its listeners', async () => {
    const h = Host.create();
    let winks = 0;
    h.key.onWink(() => winks++);
    const cid = await h.init();
    h.send(cid, CtapHidCmd.WINK, new Uint8Array(0));
    const m = await h.message(cid);
    expect(m.cmd).toBe(CtapHidCmd.WINK);
    expect(m.payload.length).toBe(0);
    expect(winks).toBe(1);
  });
});

describe('one transaction at a time (§11.2.5.3 CHANNEL_BUSY)', () => {
  it('answers CHANNEL_BUSY to another channel while a message is being received', async () => {
    const h = Host.create();
    const a = await h.init();
    const b = await h.init();
    h.key.receive(report([...u32(a), CtapHidCmd.PING, 0, 100]));
    h.send(b, CtapHidCmd.PING, Uint8Array.of(1));
    expect(hidError(await h.message(b))).toBe(S.CHANNEL_BUSY);
    // a finishes normally
    h.key.receive(report([...u32(a), 0, ...new Uint8Array(59)]));
    expect((await h.message(a)).cmd).toBe(CtapHidCmd.PING);
  });

  it('answers CHANNEL_BUSY while a request waits for a touch, and serves the channel again after', async () => {
    const h = Host.create({ presence: { kind: 'manual' } });
    const a = await h.init();
    const b = await h.init();
    h.send(a, CtapHidCmd.CBOR, Uint8Array.of(Cmd.SEL));
    await until(() => h.key.presence.waiting);
    h.send(b, CtapHidCmd.PING, Uint8Array.of(1));
    expect(hidError(await h.message(b))).toBe(S.CHANNEL_BUSY);
    h.key.presence.touch();
    const m = await h.message(a);
    expect([...m.payload]).toEqual([S.OK]);
    h.send(b, CtapHidCmd.PING, Uint8Array.of(1));
    expect((await h.message(b)).cmd).toBe(CtapHidCmd.PING);
  });
});

describe('CANCEL and KEEPALIVE (§11.2.9.1.5, §11.2.9.2.1)', () => {
  it('sends UP_NEEDED keepalives at least every 100 ms while waiting for a touch', async () => {
    const h = Host.create({ presence: { kind: 'manual' } });
    const cid = await h.init();
    h.send(cid, CtapHidCmd.CBOR, Uint8Array.of(Cmd.SEL));
    const times: number[] = [];
    const start = Date.now();
    while (Date.now() - start < 400) {
      const r = await h.nextReport(150);
      expect(r[4]).toBe(CtapHidCmd.KEEPALIVE);
      expect(r[7]).toBe(2); // UP_NEEDED
      times.push(Date.now());
    }
    expect(times.length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeLessThanOrEqual(110);
    h.key.presence.touch();
    expect([...(await h.message(cid)).payload]).toEqual([S.OK]);
  });

  it('answers a cancelled request with KEEPALIVE_CANCEL and sends nothing for the CANCEL itself', async () => {
    const h = Host.create({ presence: { kind: 'manual' } });
    const cid = await h.init();
    h.send(cid, CtapHidCmd.CBOR, Uint8Array.of(Cmd.SEL));
    await until(() => h.key.presence.waiting);
    h.reports.length = 0;
    h.send(cid, CtapHidCmd.CANCEL, new Uint8Array(0));
    const m = await h.message(cid);
    expect(m.cmd).toBe(CtapHidCmd.CBOR);
    expect([...m.payload]).toEqual([S.KEEPALIVE_CANCEL]);
    expect(h.key.presence.waiting).toBe(false);
    expect(await h.silentFor(120)).toBe(true); // no keepalives, no reply to CANCEL
  });

  it('ignores CANCEL from another channel', async () => {
    const h = Host.create({ presence: { kind: 'approve-after', ms: 60 } });
    const a = await h.init();
    const b = await h.init();
    h.send(a, CtapHidCmd.CBOR, Uint8Array.of(Cmd.SEL));
    h.send(b, CtapHidCmd.CANCEL, new Uint8Array(0));
    expect([...(await h.message(a)).payload]).toEqual([S.OK]);
  });
});

describe('profiles at the HID layer', () => {
  it('a U2F-only key has no CBOR capability, refuses CBOR and answers U2F_VERSION over MSG', async () => {
    const h = Host.create({ profile: 'u2f' });
    h.send(BROADCAST_CID, CtapHidCmd.INIT, new Uint8Array(8));
    const init = parseInitResponse((await h.message(BROADCAST_CID)).payload);
    expect(init.capabilities).toMatchObject({ cbor: false, wink: true, nmsg: false });
    h.send(init.cid, CtapHidCmd.CBOR, Uint8Array.of(Cmd.INFO));
    expect(hidError(await h.message(init.cid))).toBe(S.INVALID_COMMAND);
    h.send(init.cid, CtapHidCmd.MSG, Uint8Array.of(0, 3, 0, 0, 0));
    const m = await h.message(init.cid);
    expect(Buffer.from(m.payload).toString('latin1')).toBe('U2F_V2\x90\x00');
    h.send(init.cid, CtapHidCmd.MSG, Uint8Array.of(0, 0x40, 0, 0, 0));
    expect([...(await h.message(init.cid)).payload]).toEqual([0x6d, 0x00]);
    h.send(init.cid, CtapHidCmd.MSG, Uint8Array.of(0x80, 3, 0, 0, 0));
    expect([...(await h.message(init.cid)).payload]).toEqual([0x6e, 0x00]);
  });

  it('a CTAP 2.1 key answers MSG with ISO 7816 status words too', async () => {
    const h = Host.create();
    const cid = await h.init();
    h.send(cid, CtapHidCmd.MSG, Uint8Array.of(0, 0x40, 0, 0, 0));
    expect([...(await h.message(cid)).payload]).toEqual([0x6d, 0x00]);
    h.send(cid, CtapHidCmd.MSG, Uint8Array.of(0, 1, 3, 0, 0, 0, 63, ...new Uint8Array(63)));
    expect([...(await h.message(cid)).payload]).toEqual([0x67, 0x00]); // REGISTER needs 64 bytes
  });

  it('answers getInfo with canonical CBOR', async () => {
    const h = Host.create();
    const cid = await h.init();
    const r = await h.cbor(cid, Cmd.INFO);
    expect(r.status).toBe(S.OK);
    expect(r.body!.get(1)).toEqual(['U2F_V2', 'FIDO_2_0', 'FIDO_2_1']);
    expect(r.body!.get(6)).toEqual([2, 1]);
    expect((r.body!.get(4) as Map<string, boolean>).get('clientPin')).toBe(false);
  });
});

function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}


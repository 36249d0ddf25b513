import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { CtapHidDevice } from '../../../src/ctaphid/device.js';
import { BROADCAST_CID, CtapHidCmd, encodeInitResponse, fragment } from '../../../src/ctaphid/framing.js';
import { DisconnectedError, TimeoutError } from '../../../src/errors.js';
import { UdpProvider, openUdpConnection, parseUdpPath, udpPath } from '../../../src/transport/udp.js';

const sockets: Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

/** A tiny CTAPHID peer: answers INIT and echoes every other message; counts datagram sizes. */
async function peer(): Promise<{ port: number; sizes: number[]; socket: Socket }> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  const sizes: number[] = [];
  socket.on('message', (msg, rinfo) => {
    sizes.push(msg.length);
    const cid = msg.readUInt32BE(0);
    const reply = (frames: Uint8Array[]) => frames.forEach((f) => socket.send(f, rinfo.port, rinfo.address));
    if (msg[4] === CtapHidCmd.INIT && cid === BROADCAST_CID) {
      reply(fragment(BROADCAST_CID, CtapHidCmd.INIT, encodeInitResponse({ nonce: msg.subarray(7, 15), cid: 0x01020304, protocolVersion: 2, deviceVersion: [0, 0, 1], capabilities: 0x05 })));
    } else {
      reply([new Uint8Array(msg)]); // echo the report as it came
    }
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return { port: socket.address().port, sizes, socket };
}

describe('HID over UDP', () => {
  it('round-trips reports, one 64-byte datagram each, through a CTAPHID PING', async () => {
    const p = await peer();
    const conn = await openUdpConnection({ device: { host: '127.0.0.1', port: p.port }, listen: { host: '127.0.0.1', port: 0 } });
    const dev = await CtapHidDevice.open(conn, { pollMs: 20 });
    expect(dev.channel).toBe(0x01020304);
    const data = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    expect(await dev.ping(data)).toEqual(data);
    expect(p.sizes.every((n) => n === 64)).toBe(true);
    expect(p.sizes).toHaveLength(1 + 6); // INIT + 300 bytes in 6 reports
    await dev.close();
    await expect(conn.read(10)).rejects.toBeInstanceOf(DisconnectedError);
  });

  it('ignores datagrams from any other address', async () => {
    const p = await peer();
    const conn = await openUdpConnection({ device: { host: '127.0.0.1', port: p.port }, listen: { host: '127.0.0.1', port: 0 } });
    const stranger = createSocket('udp4');
    sockets.push(stranger);
    await new Promise<void>((r) => stranger.bind(0, '127.0.0.1', () => r()));
    const target = conn.localAddress;
    await new Promise<void>((r) => stranger.send(new Uint8Array(64).fill(1), target.port, target.host, () => r()));
    await expect(conn.read(80)).rejects.toBeInstanceOf(TimeoutError);
    await conn.write(new Uint8Array(64).fill(7));
    expect([...(await conn.read(500))]).toEqual(new Array(64).fill(7));
    await conn.close();
  });

  it('UdpProvider lists the configured address; probing drops it when nothing answers', async () => {
    const p = await peer();
    const listen = { host: '127.0.0.1', port: 0 };
    const up = new UdpProvider({ device: { host: '127.0.0.1', port: p.port }, listen, probe: true, probeTimeoutMs: 300 });
    expect(await up.list()).toEqual([expect.objectContaining({ path: `udp:127.0.0.1:${p.port}`, transport: 'udp' })]);
    const silent = createSocket('udp4');
    sockets.push(silent);
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    const down = new UdpProvider({ device: { host: '127.0.0.1', port: silent.address().port }, listen, probe: true, probeTimeoutMs: 100 });
    expect(await down.list()).toEqual([]);
    const defaults = new UdpProvider();
    expect((await defaults.list())[0]!.path).toBe('udp:127.0.0.1:8111');
    expect(defaults.listen).toEqual({ host: '127.0.0.1', port: 7112 });
  });

  it('paths round-trip', () => {
    expect(parseUdpPath(udpPath({ host: 'localhost', port: 8111 }))).toEqual({ host: 'localhost', port: 8111 });
    expect(() => parseUdpPath('memory:x')).toThrow();
  });
});

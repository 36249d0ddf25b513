import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { SoftwareAuthenticator } from '../../../src/authenticator/index.js';
import { BROADCAST_CID, CtapHidCmd, fragment, parseInitResponse } from '../../../src/ctaphid/framing.js';
import { serveUdp } from '../../../src/transport/udp-server.js';

describe('serveUdp (HID-over-UDP, device side)', () => {
  it('takes one 64-byte report per datagram and answers the configured peer', async () => {
    const host = createSocket('udp4');
    await new Promise<void>((r) => host.bind(0, '127.0.0.1', r));
    const key = new SoftwareAuthenticator();
    const server = await serveUdp(key, { listen: { host: '127.0.0.1', port: 0 }, peer: { host: '127.0.0.1', port: host.address().port } });
    try {
      expect(server.address.port).toBeGreaterThan(0);
      const got = new Promise<Buffer>((resolve) => host.once('message', resolve));
      const [init] = fragment(BROADCAST_CID, CtapHidCmd.INIT, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
      host.send(init!, server.address.port, '127.0.0.1');
      const reply = await got;
      expect(reply.length).toBe(64);
      expect(reply[4]).toBe(CtapHidCmd.INIT);
      const r = parseInitResponse(new Uint8Array(reply.subarray(7, 24)));
      expect([...r.nonce]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(r.capabilities.cbor).toBe(true);
    } finally {
      await server.close();
      await server.close(); // twice is fine
      host.close();
    }
  });

  it('reports a port already in use as a TransportError', async () => {
    const key = new SoftwareAuthenticator();
    const first = await serveUdp(key, { listen: { host: '127.0.0.1', port: 0 } });
    try {
      await expect(serveUdp(key, { listen: first.address })).rejects.toMatchObject({ code: 'TRANSPORT' });
    } finally {
      await first.close();
    }
  });
});

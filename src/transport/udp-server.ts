/**
 * Device side of HID-over-UDP: serves a VirtualHidDevice (usually the software authenticator) to
 * a host on the same machine. One 64-byte CTAPHID report (CTAP 2.1 §11.2.4) per datagram, no
 * report-ID byte, no prefix. Reports from the device go to the configured peer address.
 */
import { createSocket } from 'node:dgram';
import { REPORT_SIZE } from '../ctaphid/framing.js';
import { TransportError } from '../errors.js';
import type { VirtualHidDevice } from './virtual-device.js';
import { DEFAULT_UDP_DEVICE, DEFAULT_UDP_LISTEN } from './udp-defaults.js';

export interface UdpEndpoint {
  host: string;
  port: number;
}

export interface UdpServer {
  close(): Promise<void>;
  /** Where the device listens (the real port when 0 was asked for). */
  address: UdpEndpoint;
}

/** Listen on `listen` (default 127.0.0.1:8111) and send the device's reports to `peer` (default 127.0.0.1:7112). */
export function serveUdp(device: VirtualHidDevice, opts: { listen?: UdpEndpoint; peer?: UdpEndpoint } = {}): Promise<UdpServer> {
  const listen = opts.listen ?? DEFAULT_UDP_DEVICE;
  const peer = opts.peer ?? DEFAULT_UDP_LISTEN;
  const socket = createSocket(listen.host.includes(':') ? 'udp6' : 'udp4');
  let closed = false;

  socket.on('message', (msg) => {
    // Oversized datagrams are not reports; short ones are padded like a HID stack would.
    if (msg.length === 0 || msg.length > REPORT_SIZE) return;
    const report = new Uint8Array(REPORT_SIZE);
    report.set(msg);
    device.receive(report);
  });
  const unsubscribe = device.onReport((report) => {
    if (closed) return;
    socket.send(report, peer.port, peer.host, () => {
      // Nobody listening at the peer (ICMP unreachable) is normal: the host may not have started yet.
    });
  });

  return new Promise<UdpServer>((resolve, reject) => {
    const onError = (cause: Error): void => {
      unsubscribe();
      socket.close();
      reject(new TransportError(`Cannot listen on udp ${listen.host}:${listen.port}: ${cause.message}`, { cause }));
    };
    socket.once('error', onError);
    socket.bind(listen.port, listen.host, () => {
      socket.off('error', onError);
      socket.on('error', () => {
        // Send errors after binding are per-datagram (e.g. ECONNREFUSED) and not fatal.
      });
      const a = socket.address();
      resolve({
        address: { host: a.address, port: a.port },
        close: () =>
          new Promise<void>((done) => {
            if (closed) return done();
            closed = true;
            unsubscribe();
            socket.close(() => done());
          }),
      });
    });
  });
}

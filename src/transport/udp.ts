/**
 * HID over UDP (host side), the convention of the FIDO simulators: one 64-byte HID report per
 * datagram, no report ID, no length prefix. The device listens on 127.0.0.1:8111 and answers
 * to the host on 127.0.0.1:7112 by default; datagrams from any other address are ignored.
 */
import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { DisconnectedError, SkmError, TransportError } from '../errors.js';
import { CtapHidDevice } from '../ctaphid/device.js';
import { REPORT_SIZE } from '../ctaphid/framing.js';
import { DEFAULT_UDP_DEVICE, DEFAULT_UDP_LISTEN, type UdpAddress } from './udp-defaults.js';

export { DEFAULT_UDP_DEVICE, DEFAULT_UDP_LISTEN, type UdpAddress };
import type { DeviceProvider, HidConnection, HidDeviceDescriptor } from './connection.js';
import { ReportQueue } from './report-queue.js';


/** Addresses of the simulated key and of this host. */
export interface UdpOptions {
  /** Where the simulated key listens (default 127.0.0.1:8111). */
  device?: UdpAddress;
  /** Where this host listens for the key's reports (default 127.0.0.1:7112; port 0 picks a free one). */
  listen?: UdpAddress;
}


/** A HidConnection over one UDP socket. */
export class UdpConnection implements HidConnection {
  private readonly queue = new ReportQueue();
  private closed = false;

  constructor(
    private readonly socket: Socket,
    /** The key's address, resolved to an IP so replies can be matched exactly. */
    readonly device: UdpAddress,
  ) {
    socket.on('message', (msg, rinfo) => {
      if (rinfo.address !== device.host || rinfo.port !== device.port) return; // not our key
      if (msg.length !== REPORT_SIZE) return; // not a HID report
      if (!this.closed) this.queue.push(new Uint8Array(msg));
    });
    socket.on('error', (e) => this.queue.fail(new TransportError(`UDP transport failed: ${e.message}`, { cause: e })));
  }

  /** The local address the socket is bound to (useful with listen port 0). */
  get localAddress(): UdpAddress {
    const a = this.socket.address();
    return { host: a.address, port: a.port };
  }

  write(report: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new DisconnectedError('Connection closed'));
    const out = Buffer.alloc(REPORT_SIZE);
    out.set(report.subarray(0, REPORT_SIZE));
    return new Promise((resolve, reject) => {
      this.socket.send(out, this.device.port, this.device.host, (e) => {
        if (e) reject(new TransportError(`Could not send to ${this.device.host}:${this.device.port}: ${e.message}`, { cause: e }));
        else resolve();
      });
    });
  }

  read(timeoutMs: number): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new DisconnectedError('Connection closed'));
    return this.queue.read(timeoutMs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue.fail(new DisconnectedError('Connection closed'));
    await new Promise<void>((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }

}

/** Bind the host socket and return a connection to the key at `device`. */
export async function openUdpConnection(opts: UdpOptions = {}): Promise<UdpConnection> {
  const device = opts.device ?? DEFAULT_UDP_DEVICE;
  const listen = opts.listen ?? DEFAULT_UDP_LISTEN;
  let deviceIp: string;
  try {
    deviceIp = (await lookup(device.host, { family: 4 })).address;
  } catch (e) {
    throw new TransportError(`Cannot resolve ${device.host}`, { cause: e });
  }
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      socket.close();
      const inUse = e.code === 'EADDRINUSE';
      reject(
        new TransportError(
          inUse
            ? `Port ${listen.host}:${listen.port} is already in use (is another copy of the app talking to the simulator?)`
            : `Cannot listen on ${listen.host}:${listen.port}: ${e.message}`,
          { cause: e },
        ),
      );
    };
    socket.once('error', onError);
    socket.bind(listen.port, listen.host, () => {
      socket.off('error', onError);
      resolve();
    });
  });
  return new UdpConnection(socket, { host: deviceIp, port: device.port });
}

/** `udp:HOST:PORT` */
export function udpPath(a: UdpAddress): string {
  return `udp:${a.host}:${a.port}`;
}

/** Read `udp:HOST:PORT`; anything else is an INVALID_ARGUMENT error. */
export function parseUdpPath(path: string): UdpAddress {
  const m = /^udp:(.+):(\d{1,5})$/.exec(path);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) throw new SkmError('INVALID_ARGUMENT', `Not a UDP device path: ${path}`);
  return { host: m[1]!, port };
}

/** UdpProvider settings. */
export interface UdpProviderOptions extends UdpOptions {
  /** Check with a CTAPHID_INIT that something answers before listing it (default false). */
  probe?: boolean;
  /** How long the probe waits for an answer (default 500 ms). */
  probeTimeoutMs?: number;
}

/** Lists the configured simulator address as one device. */
export class UdpProvider implements DeviceProvider {
  readonly device: UdpAddress;
  readonly listen: UdpAddress;

  constructor(private readonly opts: UdpProviderOptions = {}) {
    this.device = opts.device ?? DEFAULT_UDP_DEVICE;
    this.listen = opts.listen ?? DEFAULT_UDP_LISTEN;
  }

  async list(): Promise<HidDeviceDescriptor[]> {
    if (this.opts.probe && !(await this.probe())) return [];
    return [
      {
        path: udpPath(this.device),
        transport: 'udp',
        vendorId: 0,
        productId: 0,
        product: `Simulated key at ${this.device.host}:${this.device.port}`,
      },
    ];
  }

  async open(path: string): Promise<HidConnection> {
    const device = parseUdpPath(path);
    return openUdpConnection({ device, listen: this.listen });
  }

  private async probe(): Promise<boolean> {
    let conn: UdpConnection;
    try {
      conn = await openUdpConnection({ device: this.device, listen: this.listen });
    } catch (e) {
      // Our own listening port is busy: most likely we already hold a connection to the key.
      return e instanceof TransportError && (e.cause as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
    }
    try {
      await CtapHidDevice.open(conn, { timeoutMs: this.opts.probeTimeoutMs ?? 500, pollMs: 50 });
      return true;
    } catch {
      return false;
    } finally {
      await conn.close();
    }
  }
}

/**
 * The two ways the engine reaches the software authenticator in this suite: straight through an
 * InMemoryConnection, and over HID-over-UDP (CTAP 2.1 §11.2.4 reports, one per datagram) with
 * serveUdp on one ephemeral port and the engine's UDP connection on another. A Session drives
 * one key through one transport: it opens the CTAPHID channel and the CTAP2 session, and it can
 * pull the key out and plug it back in (a power cycle) and move the key's clock.
 */
import {
  SoftwareAuthenticator,
  type SoftwareAuthenticatorOptions,
} from '../../../src/authenticator/index.js';
import { Ctap2 } from '../../../src/ctap2/ctap2.js';
import { CtapHidDevice } from '../../../src/ctaphid/device.js';
import type { HidConnection } from '../../../src/transport/connection.js';
import { InMemoryConnection } from '../../../src/transport/in-memory.js';
import { serveUdp } from '../../../src/transport/udp-server.js';
import { openUdpConnection } from '../../../src/transport/udp.js';
import { freeUdpPort } from '../../support/free-udp-port.js';

/** A key made reachable: each connect() is a fresh host connection (the previous one is closed first). */
export interface KeyLink {
  connect(): Promise<HidConnection>;
  close(): Promise<void>;
}

/** One transport of the requirement: in-memory or UDP. */
export interface TransportUnderTest {
  name: 'in-memory' | 'udp';
  attach(key: SoftwareAuthenticator): Promise<KeyLink>;
}

const LOOPBACK = '127.0.0.1';

export const transports: TransportUnderTest[] = [
  {
    name: 'in-memory',
    attach: async (key) => ({
      connect: async () => new InMemoryConnection(key),
      close: async () => {},
    }),
  },
  {
    name: 'udp',
    attach: async (key) => {
      // The key must know where to answer before the host socket exists: reserve a free port first.
      const hostPort = await freeUdpPort();
      const server = await serveUdp(key, { listen: { host: LOOPBACK, port: 0 }, peer: { host: LOOPBACK, port: hostPort } });
      return {
        connect: () => openUdpConnection({ device: server.address, listen: { host: LOOPBACK, port: hostPort } }),
        close: () => server.close(),
      };
    },
  },
];

/** An ephemeral UDP port on the loopback interface, released again for the caller to bind. */

/** Key options a scenario may choose; the clock is the session's. */
export type ScenarioKeyOptions = Omit<SoftwareAuthenticatorOptions, 'now' | 'store'>;

/** Fast settings: the whole suite must run in seconds. */
export const FAST_KEY: ScenarioKeyOptions = {
  resetWindowMs: 400,
  presenceTimeoutMs: 3_000,
  keepaliveIntervalMs: 20,
};

const FAST_HOST = { timeoutMs: 2_000, callTimeoutMs: 8_000, pollMs: 10, cancelGraceMs: 1_000 };

/** One key on one transport, as the engine sees it. */
export class Session {
  readonly key: SoftwareAuthenticator;
  /** Added to the wall clock to form the key's clock: moves the key past its reset window without sleeping. */
  private skewMs = 0;
  private link: KeyLink | undefined;
  private conn: HidConnection | undefined;
  private hid: CtapHidDevice | undefined;
  private session: Ctap2 | undefined;

  private constructor(
    readonly transport: TransportUnderTest['name'],
    private readonly transportUnderTest: TransportUnderTest,
    keyOptions: ScenarioKeyOptions,
    /** Open a CTAP2 session on connect (false for U2F-only keys). */
    private readonly openCtap2: boolean,
  ) {
    this.key = new SoftwareAuthenticator({ ...FAST_KEY, ...keyOptions, now: () => Date.now() + this.skewMs });
  }

  static async start(t: TransportUnderTest, keyOptions: ScenarioKeyOptions = {}, openCtap2 = true): Promise<Session> {
    const s = new Session(t.name, t, keyOptions, openCtap2);
    s.link = await t.attach(s.key);
    await s.connect();
    return s;
  }

  /** The CTAPHID channel of the current connection. */
  get device(): CtapHidDevice {
    if (!this.hid) throw new Error('not connected');
    return this.hid;
  }

  /** The host connection under the CTAPHID channel. */
  get connection(): HidConnection {
    if (!this.conn) throw new Error('not connected');
    return this.conn;
  }

  /** The CTAP2 session of the current connection. */
  get ctap2(): Ctap2 {
    if (!this.session) throw new Error('no CTAP2 session');
    return this.session;
  }

  /** A new host connection, CTAPHID_INIT on it, and (unless U2F-only) getInfo. */
  async connect(): Promise<void> {
    await this.disconnect();
    const conn = await this.link!.connect();
    this.conn = conn;
    this.hid = await CtapHidDevice.open(conn, FAST_HOST);
    this.session = this.openCtap2 ? await Ctap2.open(this.hid) : undefined;
  }

  /** Unplug the key, plug it back in and reconnect: the key's volatile state is gone. */
  async powerCycle(): Promise<void> {
    this.key.unplug();
    await this.disconnect();
    this.key.plug();
    await this.connect();
  }

  /** Move the key's clock forward. */
  advanceKeyClock(ms: number): void {
    this.skewMs += ms;
  }

  async close(): Promise<void> {
    await this.disconnect();
    await this.link?.close();
  }

  private async disconnect(): Promise<void> {
    const hid = this.hid;
    this.hid = undefined;
    this.conn = undefined;
    this.session = undefined;
    await hid?.close().catch(() => {});
  }
}

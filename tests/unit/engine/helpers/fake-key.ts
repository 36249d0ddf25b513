/**
 * A minimal key behind a ScriptedConnection: answers CTAPHID_INIT itself, reassembles each host
 * request and passes it to a handler that decides the answer (frames, keepalives, errors, silence).
 */
import { BROADCAST_CID, CtapHidCmd, encodeInitResponse, fragment } from '../../../../src/ctaphid/framing.js';
import { CtapHidDevice, type CtapHidDeviceOptions } from '../../../../src/ctaphid/device.js';
import { ScriptedConnection, cidOf } from './fake-connection.js';

export interface HostRequest {
  cid: number;
  cmd: number;
  payload: Uint8Array;
}

export type RequestHandler = (req: HostRequest, key: FakeKey) => void;

export const FAKE_CID = 0x0a0b0c0d;

export class FakeKey {
  readonly conn: ScriptedConnection;
  readonly requests: HostRequest[] = [];
  private partial: { cid: number; cmd: number; bcnt: number; data: number[]; seq: number } | null = null;

  constructor(
    public handler: RequestHandler = () => {},
    readonly capabilities = 0x05, // WINK | CBOR
    readonly cid = FAKE_CID,
  ) {
    this.conn = new ScriptedConnection((r) => this.onReport(r));
  }

  /** Send one message to the host on our channel (or another). */
  send(cmd: number, payload: Uint8Array | number[], cid = this.cid): void {
    this.conn.push(...fragment(cid, cmd, Uint8Array.from(payload)));
  }

  /** CTAPHID_CBOR answer: status byte then body. */
  cbor(status: number, body: Uint8Array = new Uint8Array(0)): void {
    this.send(CtapHidCmd.CBOR, [status, ...body]);
  }

  keepalive(status: number): void {
    this.send(CtapHidCmd.KEEPALIVE, [status]);
  }

  /** Requests after INIT, with a given command. */
  sent(cmd: number): HostRequest[] {
    return this.requests.filter((r) => r.cmd === cmd);
  }

  async open(opts: CtapHidDeviceOptions = {}): Promise<CtapHidDevice> {
    return CtapHidDevice.open(this.conn, { pollMs: 20, cancelGraceMs: 100, busyRetryDelaysMs: [5, 10, 20], ...opts });
  }

  private onReport(r: Uint8Array): void {
    const cid = cidOf(r);
    if (r[4]! & 0x80) {
      const bcnt = (r[5]! << 8) | r[6]!;
      this.partial = { cid, cmd: r[4]!, bcnt, data: [...r.subarray(7, 7 + Math.min(bcnt, 57))], seq: 0 };
    } else if (this.partial && this.partial.cid === cid) {
      if (r[4] !== this.partial.seq++) throw new Error('host sent a continuation out of sequence');
      this.partial.data.push(...r.subarray(5, 5 + Math.min(59, this.partial.bcnt - this.partial.data.length)));
    }
    if (!this.partial || this.partial.data.length < this.partial.bcnt) return;
    const req = { cid: this.partial.cid, cmd: this.partial.cmd, payload: Uint8Array.from(this.partial.data) };
    this.partial = null;
    this.requests.push(req);
    if (req.cmd === CtapHidCmd.INIT && req.cid === BROADCAST_CID) {
      this.send(
        CtapHidCmd.INIT,
        encodeInitResponse({ nonce: req.payload, cid: this.cid, protocolVersion: 2, deviceVersion: [1, 2, 3], capabilities: this.capabilities }),
        BROADCAST_CID,
      );
      return;
    }
    this.handler(req, this);
  }
}

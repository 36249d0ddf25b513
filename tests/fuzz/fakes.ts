/**
 * Scripted stand-ins for the far side of the engine, for fuzzing: a HidConnection that plays a
 * fixed list of device reports (CTAP 2.1 §11.2) and records what the host wrote, and a CTAPHID
 * device double that answers CTAPHID_CBOR requests from a list of response bodies (§8.2). When
 * the script runs out the "key" is gone: DisconnectedError, so no case ever waits on a timer.
 */
import type { CallOptions, CtapHidDevice } from '../../src/ctaphid/device.js';
import { DisconnectedError, TimeoutError } from '../../src/errors.js';
import type { HidConnection } from '../../src/transport/connection.js';

export class ScriptedConnection implements HidConnection {
  readonly written: Uint8Array[] = [];
  private next = 0;
  closed = false;

  /** `null` entries are a quiet moment: that read times out (TimeoutError). */
  constructor(private readonly reports: (Uint8Array | null)[]) {}

  async write(report: Uint8Array): Promise<void> {
    if (this.closed) throw new DisconnectedError('closed');
    this.written.push(Uint8Array.from(report));
  }

  async read(_timeoutMs: number): Promise<Uint8Array> {
    if (this.closed) throw new DisconnectedError('closed');
    if (this.next >= this.reports.length) throw new DisconnectedError('script exhausted');
    const r = this.reports[this.next++];
    if (r === null || r === undefined) throw new TimeoutError();
    return r;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Answers each CTAPHID_CBOR request with the next scripted body (status byte + CBOR). */
export class ScriptedCborDevice {
  readonly requests: Uint8Array[] = [];
  readonly channel = 0x00220002;
  readonly init = {
    nonce: new Uint8Array(8),
    cid: 0x00220002,
    protocolVersion: 2,
    deviceVersion: [5, 2, 1] as [number, number, number],
    capabilities: { wink: true, cbor: true, nmsg: false, raw: 0x05 },
  };
  private next = 0;

  constructor(private readonly bodies: Uint8Array[]) {}

  get isCtap2(): boolean {
    return true;
  }

  async cbor(request: Uint8Array, _opts?: CallOptions): Promise<Uint8Array> {
    this.requests.push(Uint8Array.from(request));
    const body = this.bodies[this.next++];
    if (!body) throw new DisconnectedError('script exhausted');
    return body;
  }

  async call(_cmd: number, _payload: Uint8Array, _opts?: CallOptions): Promise<Uint8Array> {
    throw new DisconnectedError('script has no raw calls');
  }

  async close(): Promise<void> {}

  /** The double where the engine's types want a CtapHidDevice. */
  asDevice(): CtapHidDevice {
    return this as unknown as CtapHidDevice;
  }
}

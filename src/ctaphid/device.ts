/**
 * A CTAPHID device (CTAP 2.1 §11.2): owns one channel on one HID connection. It does the INIT
 * nonce handshake, frames requests, reassembles responses on its own channel only, reports
 * KEEPALIVE, sends CTAPHID_CANCEL when the caller aborts, retries CHANNEL_BUSY with a bounded
 * backoff, and runs one call at a time.
 */
import { randomBytes } from 'node:crypto';
import { abortableSleep } from '../abortable-sleep.js';
import {
  CancelledError,
  CtapHidError,
  DeviceBusyError,
  DisconnectedError,
  MessageTooLargeError,
  NotSupportedError,
  ProtocolError,
  TimeoutError,
} from '../errors.js';
import type { HidConnection } from '../transport/connection.js';
import { CtapStatus } from '../ctap2/status.js';
import {
  BROADCAST_CID,
  CtapHidCmd,
  type InitResponse,
  KeepaliveStatus,
  MAX_MESSAGE_SIZE,
  type Message,
  MessageAssembler,
  fragment,
  parseInitResponse,
  parsePacket,
} from './framing.js';

/** KEEPALIVE status (§11.2.9.2.1) as reported to callers. */
export type KeepaliveState = 'processing' | 'up-needed';

/** Options every long call takes: abort, keepalive progress, and a total time budget. */
export interface CallOptions {
  signal?: AbortSignal;
  onKeepalive?: (state: KeepaliveState) => void;
  timeoutMs?: number;
}

/** Tuning for tests and slow transports; the defaults suit USB keys. */
export interface CtapHidDeviceOptions {
  /** Budget for the INIT handshake (default 5 s). */
  timeoutMs?: number;
  /** The 8-byte INIT nonce; random unless injected (tests, replays). */
  nonce?: Uint8Array;
  /** Default budget of a call that does not pass its own timeoutMs (default 30 s, enough for a touch). */
  callTimeoutMs?: number;
  /** Longest single read, so an abort is noticed promptly (default 100 ms). */
  pollMs?: number;
  /** How long to wait for the key's answer to CTAPHID_CANCEL (default 700 ms). */
  cancelGraceMs?: number;
  /** Waits before each retry after CTAP1_ERR_CHANNEL_BUSY (default 20, 40, 80, 160, 320 ms). */
  busyRetryDelaysMs?: number[];
}

const DEFAULTS = {
  timeoutMs: 5_000,
  callTimeoutMs: 30_000,
  pollMs: 100,
  cancelGraceMs: 700,
  busyRetryDelaysMs: [20, 40, 80, 160, 320],
};

const BUSY_ELSEWHERE = 'The key is busy with another application; try again when it is finished';

/** Why a wait for a response ended without one. */
type Interrupt = 'aborted' | 'timeout';

/** CTAPHID host side of one key (CTAP 2.1 §11.2.9). Create with `CtapHidDevice.open`. */
export class CtapHidDevice {
  private busy = false;
  private closed = false;

  private constructor(
    private readonly conn: HidConnection,
    readonly channel: number,
    readonly init: InitResponse,
    private readonly options: Required<Omit<CtapHidDeviceOptions, 'nonce' | 'timeoutMs'>>,
  ) {}

  /**
   * CTAPHID_INIT on the broadcast channel (§11.2.9.1.3): send a nonce, wait for the answer that
   * echoes it (answers to other hosts' nonces are ignored), keep the channel it allocates.
   */
  static async open(conn: HidConnection, opts: CtapHidDeviceOptions = {}): Promise<CtapHidDevice> {
    const nonce = opts.nonce ? Uint8Array.from(opts.nonce) : new Uint8Array(randomBytes(8));
    if (nonce.length !== 8) throw new ProtocolError('The CTAPHID_INIT nonce must be 8 bytes');
    const options = {
      callTimeoutMs: opts.callTimeoutMs ?? DEFAULTS.callTimeoutMs,
      pollMs: opts.pollMs ?? DEFAULTS.pollMs,
      cancelGraceMs: opts.cancelGraceMs ?? DEFAULTS.cancelGraceMs,
      busyRetryDelaysMs: opts.busyRetryDelaysMs ?? DEFAULTS.busyRetryDelaysMs,
    };
    const deadline = Date.now() + (opts.timeoutMs ?? DEFAULTS.timeoutMs);
    for (const report of fragment(BROADCAST_CID, CtapHidCmd.INIT, nonce)) await conn.write(report);
    const receiver = new Receiver(BROADCAST_CID);
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new TimeoutError('The key did not answer CTAPHID_INIT in time');
      const report = await readOrUndefined(conn, Math.min(options.pollMs, remaining));
      if (!report) continue;
      const message = receiver.push(report);
      if (!message) continue;
      if (message.cmd === CtapHidCmd.ERROR) throw new CtapHidError(message.payload[0] ?? CtapStatus.CTAP1_ERR_OTHER);
      if (message.cmd !== CtapHidCmd.INIT || message.payload.length < 17) continue;
      const init = parseInitResponse(message.payload);
      // Another host's INIT answer on the broadcast channel: not ours.
      if (!bytesEqual(init.nonce, nonce)) continue;
      if (init.cid === BROADCAST_CID || init.cid === 0) throw new ProtocolError('The key allocated an invalid channel');
      return new CtapHidDevice(conn, init.cid, init, options);
    }
  }

  /** CBOR capability set in the INIT response: the key speaks CTAP2. U2F-only keys do not. */
  get isCtap2(): boolean {
    return this.init.capabilities.cbor;
  }

  /**
   * Send one CTAPHID message on our channel and return the answer's payload. Only one call at a
   * time: a second concurrent call rejects with DeviceBusyError straight away.
   */
  async call(cmd: number, payload: Uint8Array, opts: CallOptions = {}): Promise<Uint8Array> {
    if (this.busy) throw new DeviceBusyError();
    if (this.closed) throw new DisconnectedError('The connection to the key is closed');
    if (payload.length > MAX_MESSAGE_SIZE) throw new MessageTooLargeError(payload.length, MAX_MESSAGE_SIZE);
    if (opts.signal?.aborted) throw new CancelledError();
    this.busy = true;
    try {
      // Always start from an empty queue: a report left over from an earlier exchange (a late or
      // duplicated answer) must never be taken as the answer to this one.
      await this.drain();
      return await this.exchange(cmd | 0x80, payload, opts);
    } finally {
      this.busy = false;
    }
  }

  /** CTAPHID_CBOR (§11.2.9.1.5): the raw answer, CTAP status byte followed by CBOR. */
  cbor(request: Uint8Array, opts?: CallOptions): Promise<Uint8Array> {
    if (!this.isCtap2) return Promise.reject(new NotSupportedError('This key does not speak CTAP2 (no CBOR capability)'));
    return this.call(CtapHidCmd.CBOR, request, opts);
  }

  /** CTAPHID_PING (§11.2.9.1.4): the key echoes the data. */
  ping(data: Uint8Array, opts?: CallOptions): Promise<Uint8Array> {
    return this.call(CtapHidCmd.PING, data, opts);
  }

  /** CTAPHID_WINK (§11.2.9.2.2): the key blinks so the user can tell which one it is. */
  async wink(opts?: CallOptions): Promise<void> {
    if (!this.init.capabilities.wink) throw new NotSupportedError('This key cannot wink');
    await this.call(CtapHidCmd.WINK, new Uint8Array(0), opts);
  }

  /** CTAPHID_MSG (§11.2.9.1.1): one U2F (CTAP1) APDU; the answer ends with the status word. */
  msg(apdu: Uint8Array, opts?: CallOptions): Promise<Uint8Array> {
    return this.call(CtapHidCmd.MSG, apdu, opts);
  }

  /** Release the connection. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.conn.close();
  }

  private async exchange(cmd: number, payload: Uint8Array, opts: CallOptions): Promise<Uint8Array> {
    const deadline = Date.now() + (opts.timeoutMs ?? this.options.callTimeoutMs);
    const retries = this.options.busyRetryDelaysMs;
    for (let attempt = 0; ; attempt++) {
      await this.send(cmd, payload);
      const result = await this.receive(cmd, deadline, opts);
      if (result instanceof Uint8Array) return result;
      if (result === 'aborted' || result === 'timeout') {
        // Leave the channel clean: cancel a CBOR request the key may still be working on.
        await this.cancel(cmd);
        if (result === 'aborted') throw new CancelledError();
        // The budget ran out while another host held the key: say so, not "did not answer".
        if (attempt > 0) throw new DeviceBusyError(BUSY_ELSEWHERE);
        throw new TimeoutError();
      }
      // CHANNEL_BUSY: another host is mid-transaction; back off and retry within the budget.
      const delay = retries[attempt];
      if (delay === undefined || Date.now() + delay >= deadline) {
        throw new DeviceBusyError(BUSY_ELSEWHERE);
      }
      if (await abortableSleep(delay, opts.signal)) throw new CancelledError();
    }
  }

  private async send(cmd: number, payload: Uint8Array): Promise<void> {
    for (const report of fragment(this.channel, cmd, payload)) await this.conn.write(report);
  }

  /** Wait for the answer to `cmd`; KEEPALIVE frames are reported, never returned. */
  private async receive(
    cmd: number,
    deadline: number,
    opts: CallOptions,
  ): Promise<Uint8Array | Interrupt | 'channel-busy'> {
    const receiver = new Receiver(this.channel);
    for (;;) {
      if (opts.signal?.aborted) return 'aborted';
      const remaining = deadline - Date.now();
      if (remaining <= 0) return 'timeout';
      const report = await readOrUndefined(this.conn, Math.min(this.options.pollMs, remaining));
      if (!report) continue;
      let message: Message | undefined;
      message = receiver.push(report);
      if (!message) continue;
      if (message.cmd === CtapHidCmd.KEEPALIVE) {
        const state = keepaliveState(message.payload[0]);
        if (state && opts.onKeepalive) {
          try {
            opts.onKeepalive(state);
          } catch {
            // A failing progress callback must not break the exchange.
          }
        }
        continue;
      }
      if (message.cmd === CtapHidCmd.ERROR) {
        const code = message.payload[0] ?? CtapStatus.CTAP1_ERR_OTHER;
        if (code === CtapStatus.CTAP1_ERR_CHANNEL_BUSY) return 'channel-busy';
        throw new CtapHidError(code);
      }
      if (message.cmd !== cmd) {
        throw new ProtocolError(`Expected an answer to command 0x${hex(cmd)}, got 0x${hex(message.cmd)}`);
      }
      return message.payload;
    }
  }

  /**
   * CTAPHID_CANCEL (§11.2.9.1.7), then a short wait for the key's reply (CBOR with
   * CTAP2_ERR_KEEPALIVE_CANCEL, an ERROR frame, or a late answer) so the channel is clean again.
   */
  private async cancel(cmd: number): Promise<void> {
    if (cmd !== CtapHidCmd.CBOR) return;
    await this.send(CtapHidCmd.CANCEL, new Uint8Array(0));
    const receiver = new Receiver(this.channel);
    const end = Date.now() + this.options.cancelGraceMs;
    for (;;) {
      const remaining = end - Date.now();
      if (remaining <= 0) return;
      const report = await readOrUndefined(this.conn, Math.min(this.options.pollMs, remaining));
      if (!report) continue;
      let message: Message | undefined;
      try {
        message = receiver.push(report);
      } catch {
        return;
      }
      if (message && message.cmd !== CtapHidCmd.KEEPALIVE) return;
    }
  }

  /** Throw away reports left over from an interrupted call. */
  private async drain(): Promise<void> {
    for (let i = 0; i < 256; i++) {
      if (!(await readOrUndefined(this.conn, 0))) break;
    }
  }
}

/**
 * Reassembly on one channel that tolerates leftovers: a continuation frame with no message in
 * progress (the tail of an answer we stopped reading) is dropped instead of failing the call.
 */
class Receiver {
  private readonly assembler: MessageAssembler;
  private inProgress = false;

  constructor(readonly cid: number) {
    this.assembler = new MessageAssembler(cid);
  }

  push(report: Uint8Array): Message | undefined {
    const packet = parsePacket(report);
    if (packet.cid !== this.cid) return undefined; // frames for other channels are never appended
    if (packet.kind === 'cont' && !this.inProgress) return undefined;
    let result: Message | 'ignored' | undefined;
    try {
      result = this.assembler.push(report);
    } catch (e) {
      this.assembler.reset();
      this.inProgress = false;
      throw e;
    }
    if (result === 'ignored') return undefined;
    this.inProgress = result === undefined;
    return result;
  }
}

function keepaliveState(status: number | undefined): KeepaliveState | undefined {
  if (status === KeepaliveStatus.PROCESSING) return 'processing';
  if (status === KeepaliveStatus.UPNEEDED) return 'up-needed';
  return undefined;
}

/** One read; a read timeout is not an error here (the caller polls), everything else propagates. */
async function readOrUndefined(conn: HidConnection, timeoutMs: number): Promise<Uint8Array | undefined> {
  try {
    return await conn.read(Math.max(0, timeoutMs));
  } catch (e) {
    if (e instanceof TimeoutError) return undefined;
    throw e;
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}

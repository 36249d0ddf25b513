/**
 * The device side of CTAPHID (CTAP 2.1 §11.2): channel allocation with CTAPHID_INIT, message
 * reassembly with the spec's limits, one transaction at a time (CHANNEL_BUSY for the others),
 * CANCEL, KEEPALIVE while a request is pending, and CTAPHID_ERROR for every framing fault.
 * Packet encoding (fragment, INIT response, constants) comes from ../ctaphid/framing.ts; the
 * reassembly here is the device's own, since it also enforces per-channel timeouts and busy rules.
 */
import { BROADCAST_CID, Capability, CtapHidCmd, MAX_MESSAGE_SIZE, REPORT_SIZE, encodeInitResponse, fragment } from '../ctaphid/framing.js';
import { CtapStatus } from '../ctap2/status.js';
import type { FaultInjector } from './faults.js';

/** CTAPHID protocol version reported by INIT (§11.2.9.1.3). */
export const CTAPHID_PROTOCOL_VERSION = 2;

export interface CtapHidServerOptions {
  /** CAPABILITIES byte of the INIT response. */
  capabilities: number;
  /** Major, minor, build version bytes of the INIT response. */
  deviceVersion: [number, number, number];
  /** Deliver one report to the host (only called while plugged in). */
  send(report: Uint8Array): void;
  /** The device unplugs itself (fault injection). */
  disconnect(): void;
  /** CTAPHID_CBOR: command byte + CBOR in, status byte + CBOR out. */
  cbor(request: Uint8Array, signal: AbortSignal): Promise<Uint8Array>;
  /** CTAPHID_MSG: U2F APDU in, response APDU out. */
  msg(apdu: Uint8Array, signal: AbortSignal): Promise<Uint8Array>;
  wink(): void;
  /** KEEPALIVE status byte to send now (PROCESSING or UPNEEDED). */
  keepaliveStatus(): number;
  faults: FaultInjector;
  /** An incomplete message is dropped with ERR_MSG_TIMEOUT after this long. */
  messageTimeoutMs: number;
  /** KEEPALIVE period while a request is pending; the spec asks for at most 100 ms. */
  keepaliveIntervalMs: number;
}

interface Assembly {
  cid: number;
  cmd: number;
  buffer: Uint8Array;
  filled: number;
  nextSeq: number;
  timer: NodeJS.Timeout;
}

interface Transaction {
  cid: number;
  cmd: number;
  abort: AbortController;
  keepalive: NodeJS.Timeout;
}

/** CTAPHID_ERROR codes (§11.2.9.1.6), the CTAP1 part of the status table. */
const HidError = {
  INVALID_CMD: CtapStatus.CTAP1_ERR_INVALID_COMMAND,
  INVALID_PAR: CtapStatus.CTAP1_ERR_INVALID_PARAMETER,
  INVALID_LEN: CtapStatus.CTAP1_ERR_INVALID_LENGTH,
  INVALID_SEQ: CtapStatus.CTAP1_ERR_INVALID_SEQ,
  MSG_TIMEOUT: CtapStatus.CTAP1_ERR_TIMEOUT,
  CHANNEL_BUSY: CtapStatus.CTAP1_ERR_CHANNEL_BUSY,
  INVALID_CHANNEL: CtapStatus.CTAP1_ERR_INVALID_CHANNEL,
  OTHER: CtapStatus.CTAP1_ERR_OTHER,
} as const;

/** A CTAPHID device endpoint: feed it host reports with receive(); it answers through options.send. */
export class CtapHidServer {
  private readonly channels = new Set<number>();
  private nextCid = 1;
  private assembly: Assembly | null = null;
  private active: Transaction | null = null;
  private live = true;

  constructor(private readonly opts: CtapHidServerOptions) {}

  /** Host → device: one output report. */
  receive(report: Uint8Array): void {
    const faults = this.opts.faults;
    if (!this.live || faults.stalled) return;
    if (faults.dropIncoming > 0) {
      faults.dropIncoming--;
      return;
    }
    if (report.length < 5) return; // not even a continuation header: nothing to answer on
    // HID output reports are always full size; pad short writes the way the HID stack would.
    const r = new Uint8Array(REPORT_SIZE);
    r.set(report.subarray(0, REPORT_SIZE));
    const cid = new DataView(r.buffer).getUint32(0);
    if (r[4]! & 0x80) {
      this.onInitPacket(cid, r[4]!, (r[5]! << 8) | r[6]!, r.subarray(7));
    } else {
      this.onContinuation(cid, r[4]!, r.subarray(5));
    }
  }

  /** Send a KEEPALIVE now if a request is pending (e.g. the key just started blinking). */
  nudgeKeepalive(): void {
    if (this.active) this.sendKeepalive(this.active.cid);
  }

  /** Power loss: every channel, buffer and pending request is gone; nothing more is sent. */
  powerOff(): void {
    this.live = false;
    this.dropAssembly();
    this.dropTransaction();
    this.channels.clear();
  }

  /** Power on with no channels allocated. */
  powerOn(): void {
    this.live = true;
    this.nextCid = 1;
  }

  private onInitPacket(cid: number, cmd: number, bcnt: number, data: Uint8Array): void {
    if (cmd === CtapHidCmd.INIT) {
      this.onInit(cid, bcnt, data);
      return;
    }
    if (cid === 0 || cid === BROADCAST_CID || !this.channels.has(cid)) {
      this.error(cid, HidError.INVALID_CHANNEL);
      return;
    }
    if (cmd === CtapHidCmd.CANCEL) {
      // §11.2.9.1.5: no reply of its own; the pending request answers KEEPALIVE_CANCEL.
      if (this.active?.cid === cid) this.active.abort.abort();
      return;
    }
    if (this.opts.faults.holdingBusy) {
      this.error(cid, HidError.CHANNEL_BUSY);
      return;
    }
    if (this.active) {
      this.error(cid, HidError.CHANNEL_BUSY);
      return;
    }
    if (this.assembly) {
      if (this.assembly.cid !== cid) {
        this.error(cid, HidError.CHANNEL_BUSY);
        return;
      }
      // A new request on a channel still sending the previous one: the old one is broken.
      this.dropAssembly();
      this.error(cid, HidError.INVALID_SEQ);
      return;
    }
    if (bcnt > MAX_MESSAGE_SIZE) {
      this.error(cid, HidError.INVALID_LEN);
      return;
    }
    const assembly: Assembly = {
      cid,
      cmd,
      buffer: new Uint8Array(bcnt),
      filled: 0,
      nextSeq: 0,
      timer: setTimeout(() => {
        if (this.assembly !== assembly) return;
        this.assembly = null;
        this.error(cid, HidError.MSG_TIMEOUT);
      }, this.opts.messageTimeoutMs),
    };
    this.assembly = assembly;
    this.take(assembly, data);
  }

  private onInit(cid: number, bcnt: number, data: Uint8Array): void {
    if (cid === 0) {
      this.error(cid, HidError.INVALID_CHANNEL);
      return;
    }
    if (bcnt !== 8) {
      this.error(cid, HidError.INVALID_LEN);
      return;
    }
    const nonce = data.slice(0, 8);
    let assigned: number;
    if (cid === BROADCAST_CID) {
      assigned = this.allocate();
    } else if (this.channels.has(cid)) {
      // Re-synchronise: abandon whatever this channel was doing, keep the channel.
      if (this.assembly?.cid === cid) this.dropAssembly();
      if (this.active?.cid === cid) this.dropTransaction();
      assigned = cid;
    } else {
      this.error(cid, HidError.INVALID_CHANNEL);
      return;
    }
    const [major, minor, build] = this.opts.deviceVersion;
    const payload = encodeInitResponse({
      nonce,
      cid: assigned,
      protocolVersion: CTAPHID_PROTOCOL_VERSION,
      deviceVersion: [major, minor, build],
      capabilities: this.opts.capabilities,
    });
    this.reply(cid, CtapHidCmd.INIT, payload);
  }

  private onContinuation(cid: number, seq: number, data: Uint8Array): void {
    const assembly = this.assembly;
    if (!assembly || assembly.cid !== cid) return; // spurious continuation: ignored (§11.2.4)
    if (seq !== assembly.nextSeq) {
      this.dropAssembly();
      this.error(cid, HidError.INVALID_SEQ);
      return;
    }
    assembly.nextSeq++;
    this.take(assembly, data);
  }

  private take(assembly: Assembly, data: Uint8Array): void {
    const n = Math.min(data.length, assembly.buffer.length - assembly.filled);
    assembly.buffer.set(data.subarray(0, n), assembly.filled);
    assembly.filled += n;
    if (assembly.filled < assembly.buffer.length) return;
    this.dropAssembly();
    this.dispatch(assembly.cid, assembly.cmd, assembly.buffer);
  }

  private dispatch(cid: number, cmd: number, payload: Uint8Array): void {
    const caps = this.opts.capabilities;
    switch (cmd) {
      case CtapHidCmd.PING:
        this.reply(cid, cmd, payload);
        return;
      case CtapHidCmd.WINK:
        if (!(caps & Capability.WINK)) break;
        if (payload.length !== 0) {
          this.error(cid, HidError.INVALID_LEN);
          return;
        }
        this.opts.wink();
        this.reply(cid, cmd, new Uint8Array(0));
        return;
      case CtapHidCmd.MSG:
        if (caps & Capability.NMSG) break; // NMSG: no U2F
        this.transact(cid, cmd, (signal) => this.opts.msg(payload, signal));
        return;
      case CtapHidCmd.CBOR:
        if (!(caps & Capability.CBOR)) break;
        if (payload.length === 0) {
          this.error(cid, HidError.INVALID_LEN);
          return;
        }
        if (this.opts.faults.endlessKeepaliveArmed) {
          this.opts.faults.endlessKeepaliveArmed = false;
          this.transact(cid, cmd, (signal) => untilAborted(signal));
          return;
        }
        this.transact(cid, cmd, (signal) => this.opts.cbor(payload, signal));
        return;
      default:
        break;
    }
    this.error(cid, HidError.INVALID_CMD);
  }

  /** Run one request with KEEPALIVE every interval until it answers, is cancelled or is abandoned. */
  private transact(cid: number, cmd: number, work: (signal: AbortSignal) => Promise<Uint8Array>): void {
    const abort = new AbortController();
    const tx: Transaction = {
      cid,
      cmd,
      abort,
      keepalive: setInterval(() => {
        if (this.active === tx) this.sendKeepalive(cid);
      }, this.opts.keepaliveIntervalMs),
    };
    this.active = tx;
    work(abort.signal).then(
      (response) => {
        if (this.active !== tx) return; // abandoned by INIT re-sync or power loss
        this.dropTransaction();
        this.reply(cid, cmd, response);
      },
      () => {
        if (this.active !== tx) return;
        this.dropTransaction();
        this.error(cid, HidError.OTHER);
      },
    );
  }

  private allocate(): number {
    let cid = this.nextCid;
    while (cid === 0 || cid === BROADCAST_CID || this.channels.has(cid)) cid = (cid + 1) >>> 0;
    this.nextCid = (cid + 1) >>> 0;
    this.channels.add(cid);
    return cid;
  }

  private dropAssembly(): void {
    if (!this.assembly) return;
    clearTimeout(this.assembly.timer);
    this.assembly = null;
  }

  private dropTransaction(): void {
    const tx = this.active;
    if (!tx) return;
    clearInterval(tx.keepalive);
    this.active = null;
    tx.abort.abort(); // stops a pending user-presence wait; its answer is then discarded
  }

  private sendKeepalive(cid: number): void {
    this.reply(cid, CtapHidCmd.KEEPALIVE, Uint8Array.of(this.opts.keepaliveStatus()));
  }

  private error(cid: number, code: number): void {
    this.reply(cid, CtapHidCmd.ERROR, Uint8Array.of(code));
  }

  private reply(cid: number, cmd: number, payload: Uint8Array): void {
    for (const report of fragment(cid, cmd, payload)) {
      if (!this.live) return;
      this.emit(report);
    }
  }

  /** The single exit for reports, where outgoing faults apply. */
  private emit(report: Uint8Array): void {
    const faults = this.opts.faults;
    if (faults.stalled) return;
    if (faults.reportsBeforeDisconnect !== undefined) {
      if (faults.reportsBeforeDisconnect === 0) {
        faults.reportsBeforeDisconnect = undefined;
        this.opts.disconnect();
        return;
      }
      faults.reportsBeforeDisconnect--;
    }
    let out = report;
    if (faults.corruptOutgoing) {
      faults.corruptOutgoing = false;
      out = Uint8Array.from(report);
      for (let i = 7; i < out.length; i++) out[i] = out[i]! ^ 0xff;
    }
    this.opts.send(out);
    if (faults.duplicateOutgoing) {
      faults.duplicateOutgoing = false;
      this.opts.send(Uint8Array.from(out));
    }
    if (faults.reportsBeforeDisconnect === 0) {
      faults.reportsBeforeDisconnect = undefined;
      this.opts.disconnect();
    }
  }
}

/** The endless-keepalive fault: never answers unless the host cancels. */
function untilAborted(signal: AbortSignal): Promise<Uint8Array> {
  return new Promise((resolve) => {
    signal.addEventListener('abort', () => resolve(Uint8Array.of(CtapStatus.CTAP2_ERR_KEEPALIVE_CANCEL)), { once: true });
  });
}

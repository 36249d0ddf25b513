/**
 * Deterministic fault injection at the HID report seam (CTAP 2.1 §11.2: what a flaky cable, a
 * confused firmware or a yanked key looks like to the host). Each fault is armed once and
 * consumed by the CTAPHID server; nothing here is random.
 */
export class FaultInjector {
  /** Incoming reports still to be dropped. */
  dropIncoming = 0;
  /** The next outgoing report is sent twice. */
  duplicateOutgoing = false;
  /** The next outgoing report has its data bytes (after the 7-byte header) inverted. */
  corruptOutgoing = false;
  /** Until this time (device clock) the key neither reads nor answers. */
  stalledUntil = 0;
  /** Outgoing reports left before the key unplugs itself; undefined when not armed. */
  reportsBeforeDisconnect: number | undefined;
  /** Until this time every request but INIT gets CHANNEL_BUSY, as if another host held the key. */
  busyUntil = 0;
  /** The next CBOR request is never answered: KEEPALIVE forever (until CANCEL, INIT or unplug). */
  endlessKeepaliveArmed = false;

  constructor(private readonly now: () => number) {}

  /** The device drops the next `n` reports it receives. */
  dropNextFrames(n: number): void {
    this.dropIncoming += Math.max(0, Math.floor(n));
  }

  /** The next report the device sends is delivered twice. */
  duplicateNextFrame(): void {
    this.duplicateOutgoing = true;
  }

  /** The next report the device sends has its data bytes flipped. */
  corruptNextFrame(): void {
    this.corruptOutgoing = true;
  }

  /** The device stops reading and answering for `ms`. */
  stall(ms: number): void {
    this.stalledUntil = this.now() + ms;
  }

  /** The device unplugs itself after sending `n` more reports (0: before the next one). */
  disconnectAfterReports(n: number): void {
    this.reportsBeforeDisconnect = Math.max(0, Math.floor(n));
  }

  /** For `ms`, act as if another channel held the device (CTAP1_ERR_CHANNEL_BUSY). */
  holdChannelBusy(ms: number): void {
    this.busyUntil = this.now() + ms;
  }

  /** The next CBOR request keeps sending KEEPALIVE and never completes. */
  endlessKeepalive(): void {
    this.endlessKeepaliveArmed = true;
  }

  /** Disarm everything. */
  clear(): void {
    this.dropIncoming = 0;
    this.duplicateOutgoing = false;
    this.corruptOutgoing = false;
    this.stalledUntil = 0;
    this.reportsBeforeDisconnect = undefined;
    this.busyUntil = 0;
    this.endlessKeepaliveArmed = false;
  }

  get stalled(): boolean {
    return this.now() < this.stalledUntil;
  }

  get holdingBusy(): boolean {
    return this.now() < this.busyUntil;
  }
}

/**
 * A deliberately tiny CTAPHID device (CTAP 2.1 §11.2.9.1.3 INIT, §11.2.9.1.2 PING) used to prove
 * the uhid bridge itself before the software authenticator is involved: it answers INIT with a
 * fresh channel, echoes PING, and answers anything else with ERR_INVALID_CMD.
 */
import { BROADCAST_CID, CtapHidCmd, encodeInitResponse, fragment, MessageAssembler, parsePacket } from '../../src/ctaphid/framing.js';
import type { VirtualHidDevice } from '../../src/transport/virtual-device.js';

export class FakeCtapHidDevice implements VirtualHidDevice {
  connected = true;
  private readonly reportListeners = new Set<(r: Uint8Array) => void>();
  private readonly disconnectListeners = new Set<() => void>();
  private nextCid = 0x01020304;
  private readonly assemblers = new Map<number, MessageAssembler>();

  receive(report: Uint8Array): void {
    if (!this.connected) return;
    const packet = parsePacket(report);
    let assembler = this.assemblers.get(packet.cid);
    if (!assembler) {
      assembler = new MessageAssembler(packet.cid);
      this.assemblers.set(packet.cid, assembler);
    }
    const message = assembler.push(report);
    if (!message || message === 'ignored') return;
    if (message.cmd === CtapHidCmd.INIT && message.cid === BROADCAST_CID) {
      const cid = this.nextCid++;
      this.send(BROADCAST_CID, CtapHidCmd.INIT, encodeInitResponse({
        nonce: message.payload.subarray(0, 8),
        cid,
        protocolVersion: 2,
        deviceVersion: [1, 0, 0],
        capabilities: 0,
      }));
    } else if (message.cmd === CtapHidCmd.PING) {
      this.send(message.cid, CtapHidCmd.PING, message.payload);
    } else {
      this.send(message.cid, CtapHidCmd.ERROR, Uint8Array.of(0x01));
    }
  }

  onReport(listener: (r: Uint8Array) => void): () => void {
    this.reportListeners.add(listener);
    return () => this.reportListeners.delete(listener);
  }

  onDisconnect(listener: () => void): () => void {
    this.disconnectListeners.add(listener);
    return () => this.disconnectListeners.delete(listener);
  }

  private send(cid: number, cmd: number, payload: Uint8Array): void {
    for (const report of fragment(cid, cmd, payload)) for (const l of this.reportListeners) l(report);
  }
}

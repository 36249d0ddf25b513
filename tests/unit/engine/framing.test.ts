import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_SIZE, MessageAssembler, fragment, parseInitResponse } from '../../../src/ctaphid/framing.js';
import { MessageTooLargeError, ProtocolError } from '../../../src/errors.js';
import { hex, loadVector, toHex } from './helpers/vectors.js';

const v = loadVector('ctaphid/framing_vectors.json');

describe('CTAPHID framing byte tables (webauthn-rs vectors)', () => {
  it('splits 255 bytes into 5 frames of 57/59/59/59/21 payload bytes', () => {
    const t = v.fragment_255;
    const payload = Uint8Array.from({ length: 255 }, (_, i) => i);
    const out = fragment(parseInt(t.cid, 16), parseInt(t.cmd, 16), payload);
    expect(out).toHaveLength(t.expected_frame_count);
    expect(out.map(toHex)).toEqual(t.frames_hex);
  });

  it('splits 7609 bytes into 129 frames, sequence 0..127', () => {
    const t = v.fragment_max_7609;
    const out = fragment(parseInt(t.cid, 16), parseInt(t.cmd, 16), new Uint8Array(7609).fill(0xff));
    expect(out).toHaveLength(t.expected_frame_count);
    expect(toHex(out[0]!)).toBe(t.first_frame_hex);
    expect(toHex(out[128]!)).toBe(t.last_frame_hex);
    expect(out.slice(1).map((f) => f[4])).toEqual(Array.from({ length: 128 }, (_, i) => i));
  });

  it('refuses 7610 bytes with MessageTooLargeError', () => {
    expect(() => fragment(1, 0x90, new Uint8Array(7610))).toThrow(MessageTooLargeError);
    expect(MAX_MESSAGE_SIZE).toBe(7609);
  });

  it('frames a short message into one zero-padded report', () => {
    const t = v.fragment_short;
    expect(fragment(parseInt(t.cid, 16), parseInt(t.cmd, 16), hex(t.payload_hex)).map(toHex)).toEqual(t.frames_hex);
  });

  it('reassembles the 255-byte table', () => {
    const asm = new MessageAssembler(1);
    const out = v.fragment_255.frames_hex.map((h: string) => asm.push(hex(h)));
    expect(out.slice(0, 4)).toEqual([undefined, undefined, undefined, undefined]);
    expect(out[4].payload).toEqual(Uint8Array.from({ length: 255 }, (_, i) => i));
    expect(out[4].cmd).toBe(0x90);
  });

  it('parses the libfido2 INIT answer', () => {
    const init = parseInitResponse(hex('80435640b14ed92d002200020205020105'));
    expect(init.cid).toBe(0x00220002);
    expect(init.protocolVersion).toBe(2);
    expect(init.deviceVersion).toEqual([5, 2, 1]);
    expect(init.capabilities).toEqual({ wink: true, cbor: true, nmsg: false, raw: 5 });
  });

  it('refuses an INIT answer shorter than 17 bytes', () => {
    expect(() => parseInitResponse(new Uint8Array(16))).toThrow(ProtocolError);
  });
});

describe('framing properties', () => {
  it('fragment then reassemble is the identity for any payload 0..7609 and any channel', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: MAX_MESSAGE_SIZE }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0x80, max: 0xff }),
        (payload, cid, cmd) => {
          const reports = fragment(cid, cmd, payload);
          expect(reports.every((r) => r.length === 64)).toBe(true);
          expect(reports.length).toBe(payload.length <= 57 ? 1 : 1 + Math.ceil((payload.length - 57) / 59));
          const asm = new MessageAssembler(cid);
          let message;
          for (const r of reports) message = asm.push(r);
          expect(message).toEqual({ cid, cmd, payload });
          // A different channel's assembler ignores every frame.
          const other = new MessageAssembler((cid + 1) >>> 0);
          expect(reports.map((r) => other.push(r))).toEqual(reports.map(() => 'ignored'));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('any length over 7609 is refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_MESSAGE_SIZE + 1, max: 20000 }), (n) => {
        expect(() => fragment(1, 0x90, new Uint8Array(n))).toThrow(MessageTooLargeError);
      }),
      { numRuns: 20 },
    );
  });
});

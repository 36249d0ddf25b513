/**
 * CTAPHID_MSG: U2F raw messages (FIDO U2F Raw Message Formats §3, ISO 7816-4 APDUs, carried by
 * CTAP 2.1 §11.2.9.1.1). This key answers U2F_VERSION and refuses the other instructions with
 * SW_INS_NOT_SUPPORTED, which is enough for hosts that probe for U2F.
 */

/** ISO 7816 status words used by U2F. */
export const StatusWord = {
  NO_ERROR: 0x9000,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  WRONG_DATA: 0x6a80,
  WRONG_LENGTH: 0x6700,
  CLA_NOT_SUPPORTED: 0x6e00,
  INS_NOT_SUPPORTED: 0x6d00,
} as const;

export const U2fIns = { REGISTER: 0x01, AUTHENTICATE: 0x02, VERSION: 0x03 } as const;

export function handleU2f(apdu: Uint8Array): Uint8Array {
  if (apdu.length < 4) return sw(StatusWord.WRONG_LENGTH);
  if (apdu[0] !== 0x00) return sw(StatusWord.CLA_NOT_SUPPORTED);
  if (apdu[1] === U2fIns.VERSION) {
    // VERSION carries no data (Lc absent or zero).
    if (dataLength(apdu) !== 0) return sw(StatusWord.WRONG_LENGTH);
    const version = new TextEncoder().encode('U2F_V2');
    const out = new Uint8Array(version.length + 2);
    out.set(version, 0);
    out.set(sw(StatusWord.NO_ERROR), version.length);
    return out;
  }
  return sw(StatusWord.INS_NOT_SUPPORTED);
}

/** Lc of a short or extended APDU (0 when absent). */
function dataLength(apdu: Uint8Array): number {
  if (apdu.length <= 5) return 0; // header only, or header + Le
  if (apdu[4] === 0 && apdu.length >= 7) return (apdu[5]! << 8) | apdu[6]!;
  return apdu[4]!;
}

function sw(word: number): Uint8Array {
  return Uint8Array.of(word >> 8, word & 0xff);
}

/**
 * Client-side PIN rules (CTAP 2.1 §6.5.1 "PIN composition requirements", §6.5.5.5 setPIN):
 * the PIN is normalised to Unicode NFC, must have at least max(4, minPINLength) code points,
 * at most 63 bytes of UTF-8, and must not end in a 0x00 byte (the padding would hide it).
 * Checked before anything is sent, each violation its own PinRuleError rule.
 */
import { PinRuleError } from '../errors.js';

/** Absolute limits of the spec: 4 code points minimum, 63 UTF-8 bytes maximum. */
export const PIN_MIN_CODE_POINTS = 4;
export const PIN_MAX_BYTES = 63;
/** newPinEnc always encrypts 64 bytes: the PIN right-padded with zeros. */
export const PADDED_PIN_BYTES = 64;

/** Number of Unicode code points (not UTF-16 units): an emoji counts once. */
export function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Normalise and check a new PIN; returns its UTF-8 bytes (zero them after use).
 * `minLength` is the key's minPINLength; `maxLength` its maxPINLength in code points (CTAP 2.2), if any.
 */
export function preparePin(pin: string, minLength = PIN_MIN_CODE_POINTS, maxLength?: number): Uint8Array {
  if (pin.length === 0) throw new PinRuleError('EMPTY', 'Enter a PIN');
  const nfc = pin.normalize('NFC');
  const min = Math.max(PIN_MIN_CODE_POINTS, minLength);
  const points = codePointLength(nfc);
  if (points < min) {
    throw new PinRuleError('TOO_SHORT', `The PIN must have at least ${min} characters`, min);
  }
  if (maxLength !== undefined && points > maxLength) {
    throw new PinRuleError('TOO_LONG', `The PIN must have at most ${maxLength} characters`, min);
  }
  const bytes = new TextEncoder().encode(nfc);
  if (bytes.length > PIN_MAX_BYTES) {
    bytes.fill(0);
    throw new PinRuleError('TOO_LONG', `The PIN must be at most ${PIN_MAX_BYTES} bytes long in UTF-8`, min);
  }
  if (bytes[bytes.length - 1] === 0) {
    bytes.fill(0);
    throw new PinRuleError('ENDS_WITH_NUL', 'The PIN must not end with a NUL character', min);
  }
  return bytes;
}

/**
 * Encode an existing PIN (for pinHashEnc): NFC and UTF-8 only, no length rules, because the
 * current PIN may predate a later minPINLength.
 */
export function encodeCurrentPin(pin: string): Uint8Array {
  if (pin.length === 0) throw new PinRuleError('EMPTY', 'Enter the current PIN');
  return new TextEncoder().encode(pin.normalize('NFC'));
}

/** Right-pad PIN bytes with zeros to 64 bytes (§6.5.5.5 step "paddedPin"). */
export function padPin(bytes: Uint8Array): Uint8Array {
  if (bytes.length > PIN_MAX_BYTES) {
    throw new PinRuleError('TOO_LONG', `The PIN must be at most ${PIN_MAX_BYTES} bytes long in UTF-8`);
  }
  const out = new Uint8Array(PADDED_PIN_BYTES);
  out.set(bytes, 0);
  return out;
}

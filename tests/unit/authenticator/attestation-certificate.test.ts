import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAttestationIdentity } from '../../../src/authenticator/attestation-certificate.js';

/** Bytes of a DER tag and length at `at` (short form or 0x81/0x82 long form). */
function headerLength(der: Uint8Array, at: number): number {
  const first = der[at + 1]!;
  return first < 0x80 ? 2 : 2 + (first & 0x7f);
}

describe('U2F attestation certificate', () => {
  it('is strict DER with a positive, minimally encoded serial, every time (a random leading zero byte would not be)', () => {
    for (let i = 0; i < 1024; i++) {
      const { certificate } = createAttestationIdentity('Test U2F attestation');
      const cert = new X509Certificate(Buffer.from(certificate));
      // Certificate SEQUENCE > tbsCertificate SEQUENCE > version [0] (5 bytes), then the serial INTEGER
      const tbsAt = headerLength(certificate, 0);
      const serialAt = tbsAt + headerLength(certificate, tbsAt) + 5;
      expect(certificate[serialAt]).toBe(0x02);
      const len = certificate[serialAt + 1]!;
      const serial = certificate.subarray(serialAt + 2, serialAt + 2 + len);
      expect(serial[0]! & 0x80, 'positive').toBe(0);
      expect(serial[0] === 0 && (serial[1]! & 0x80) === 0, 'no redundant leading zero').toBe(false);
      expect(cert.serialNumber.length).toBe(len * 2);
      expect(cert.subject).toBe('CN=Test U2F attestation');
    }
  });
});

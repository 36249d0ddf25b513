/** Small builders of service result shapes for the renderer tests. */
import type { KeyInfo, KeySummary } from '../../../src/usecases/types.js';

export function summary(id: string, extra: Partial<KeySummary> = {}): KeySummary {
  return { id, transport: 'usb', isDemo: false, vendorId: 0x1050, productId: 0x0407, manufacturer: 'Yubico', product: 'YubiKey OTP+FIDO+CCID', ...extra };
}

export function keyInfo(key: KeySummary, extra: Partial<KeyInfo> = {}): KeyInfo {
  return {
    key,
    kind: 'fido2',
    model: { name: 'YubiKey 5 NFC', aaguid: 'cb69481e8ff7403993ec0a2729a154a8', known: true },
    firmwareVersion: '5.4.3',
    hid: { ctaphidProtocolVersion: 2, deviceVersion: '5.4.3', capabilities: { wink: true, cbor: true, nmsg: true } },
    ctapVersions: ['FIDO_2_1'],
    pin: { isSet: true, retries: 8, blocked: false, forcePINChange: false, minPINLength: 4, maxPINLengthBytes: 63, pinUvAuthProtocols: [2] },
    options: [],
    supports: { selection: true, credentialManagement: true, config: true, setMinPINLength: true, alwaysUv: true, wink: true, longTouchForReset: false },
    getInfo: {},
    ...extra,
  };
}

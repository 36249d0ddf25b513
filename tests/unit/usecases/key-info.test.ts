import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeCbor, expectMap } from '../../../src/cbor.js';
import { parseGetInfo } from '../../../src/ctap2/get-info.js';
import type { InitResponse } from '../../../src/ctaphid/framing.js';
import { describeModel, modelNameForAaguid } from '../../../src/usecases/aaguid.js';
import { buildKeyInfo, describeOptions, formatFirmwareVersion, fromHex, getInfoToJson, jsonSafe } from '../../../src/usecases/key-info.js';
import { buildSupportReport } from '../../../src/usecases/support-report.js';
import type { KeySummary } from '../../../src/usecases/types.js';

const vectors = JSON.parse(readFileSync(new URL('./fixtures/python-fido2-getinfo.json', import.meta.url), 'utf8'));
const info = parseGetInfo(expectMap(decodeCbor(Buffer.from(vectors.getInfo.cbor_hex, 'hex')), 'getInfo'));
const extra = parseGetInfo(expectMap(decodeCbor(Buffer.from(vectors.getInfo_extra_key.cbor_hex, 'hex')), 'getInfo'));

const init: InitResponse = {
  nonce: new Uint8Array(8),
  cid: 1,
  protocolVersion: 2,
  deviceVersion: [5, 4, 3],
  capabilities: { wink: true, cbor: true, nmsg: false, raw: 0x05 },
};
const summary: KeySummary = { id: '/dev/hidraw3', transport: 'usb', isDemo: false, vendorId: 0x1050, productId: 0x0407, product: 'YubiKey OTP+FIDO+CCID', serialNumber: '12345678' };

describe('key info from a recorded getInfo (python-fido2 / CTAP 2.0 spec example)', () => {
  it('names every getInfo member as in the spec, JSON-safe, bytes as hex', () => {
    const json = getInfoToJson(info);
    const e = vectors.getInfo.expected;
    expect(json.versions).toEqual(e.versions);
    expect(json.extensions).toEqual(e.extensions);
    expect(json.aaguid).toBe(e.aaguid);
    expect(json.options).toEqual(e.options);
    expect(json.maxMsgSize).toBe(e.maxMsgSize);
    expect(json.pinUvAuthProtocols).toEqual(e.pinUvAuthProtocols);
    expect(json.minPINLength).toBe(4);
    expect(json.forcePINChange).toBe(false);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('keeps unknown members under "unknown"', () => {
    expect(getInfoToJson(extra).unknown).toEqual({ '0x63': 1234 });
  });

  it('builds KeyInfo: known model, PIN state, options in words, HID facts', () => {
    const k = buildKeyInfo({ summary, init, info, retries: { retries: 3, powerCycleState: false } });
    expect(k.kind).toBe('fido2');
    expect(k.model).toEqual({ name: 'Security Key by Yubico', aaguid: 'f8a011f3-8c0a-4d15-8006-17111f9edc7d', known: true });
    expect(k.hid).toEqual({ ctaphidProtocolVersion: 2, deviceVersion: '5.4.3', capabilities: { wink: true, cbor: true, nmsg: false } });
    expect(k.pin).toEqual({ isSet: false, retries: 3, powerCycleState: false, blocked: false, forcePINChange: false, minPINLength: 4, maxPINLengthBytes: 63, pinUvAuthProtocols: [1] });
    expect(k.supports.selection).toBe(false);
    expect(k.supports.credentialManagement).toBe(false);
    expect(k.options.find((o) => o.name === 'rk')!.label).toMatch(/passkeys/);
    expect(k.firmwareVersion).toBeUndefined();
  });

  it('a blocked PIN is reported as blocked', () => {
    const k = buildKeyInfo({ summary, init, info: { ...info, options: { ...info.options, clientPin: true } }, retries: { retries: 0 } });
    expect(k.pin.blocked).toBe(true);
    expect(k.pin.isSet).toBe(true);
  });

  it('a U2F-only key', () => {
    const k = buildKeyInfo({ summary, init: { ...init, capabilities: { wink: false, cbor: false, nmsg: false, raw: 0 } } });
    expect(k.kind).toBe('u2f-only');
    expect(k.model.known).toBe(false);
    expect(k.model.name).toBe(summary.product);
    expect(k.limitations!.cannot.length).toBeGreaterThan(0);
  });
});

describe('small helpers', () => {
  it('firmware versions', () => {
    expect(formatFirmwareVersion(0x050403)).toBe('5.4.3');
    expect(formatFirmwareVersion(328707)).toBe('5.4.3');
    expect(formatFirmwareVersion(7)).toBe('7');
    expect(formatFirmwareVersion(0x12345678)).toBe(String(0x12345678));
    expect(formatFirmwareVersion(undefined)).toBeUndefined();
  });

  it('model names', () => {
    expect(modelNameForAaguid('2FC0579F-8113-47EA-B116-BB5A8DB9202A')).toBe('YubiKey 5 Series with NFC');
    expect(modelNameForAaguid('00000000-0000-0000-0000-000000000000')).toBeUndefined();
    expect(modelNameForAaguid('_source')).toBeUndefined();
    expect(describeModel('11111111-2222-3333-4444-555555555555')).toEqual({ name: 'Unknown security key', aaguid: '11111111-2222-3333-4444-555555555555', known: false });
  });

  it('options in plain words, unknown options too', () => {
    expect(describeOptions({ alwaysUv: true, vendorThing: false })).toEqual([
      { name: 'alwaysUv', value: true, label: 'Always asks for the PIN or fingerprint' },
      { name: 'vendorThing', value: false, label: 'vendorThing: no' },
    ]);
  });

  it('jsonSafe and hex', () => {
    expect(jsonSafe(new Map<unknown, unknown>([[1, new Uint8Array([1, 255])], ['a', [2n]]]))).toEqual({ '1': '01ff', a: [2] });
    expect(fromHex('01FF')).toEqual(new Uint8Array([1, 255]));
    expect(fromHex('0')).toBeUndefined();
    expect(fromHex('zz')).toBeUndefined();
  });
});

describe('support report', () => {
  it('holds the facts in plain text', () => {
    const k = buildKeyInfo({ summary, init, info, retries: { retries: 8 } });
    const text = buildSupportReport(k, { appVersion: '1.2.3', platform: 'linux x64', now: new Date('2026-01-02T03:04:05Z') });
    expect(text).toMatch(/Security Key by Yubico/);
    expect(text).toMatch(/0x1050 \/ 0x0407/);
    expect(text).toMatch(/Serial number\s+12345678/);
    expect(text).toMatch(/Tries left\s+8/);
    expect(text).toMatch(/2026-01-02T03:04:05.000Z/);
    expect(text).toMatch(/"aaguid": "f8a011f38c0a4d15800617111f9edc7d"/);
  });
});

import { describe, expect, it } from 'vitest';
import { decodeCbor, encodeCbor, expectMap } from '../../../src/cbor.js';
import {
  credentialManagementCommand,
  hasOption,
  parseGetInfo,
  pinState,
  supportsCtap21,
} from '../../../src/ctap2/get-info.js';
import { decodeResponse } from '../../../src/ctap2/command.js';
import { InvalidCborError } from '../../../src/errors.js';
import { hex, loadVector, toHex, wire } from './helpers/vectors.js';

const py = loadVector('python-fido2/python_fido2_vectors.json');

function parsePayload(payloadHex: string) {
  return parseGetInfo(decodeResponse(0x04, hex(payloadHex))!);
}

describe('getInfo decoding', () => {
  it('python-fido2 _INFO decodes to the expected values, with documented defaults', () => {
    const info = parseGetInfo(expectMap(decodeCbor(hex(py.getInfo.cbor_hex)), 'getInfo'));
    const e = py.getInfo['expected (TestInfo.test_parse_bytes)'];
    expect(info.versions).toEqual(e.versions);
    expect(info.extensions).toEqual(e.extensions);
    expect(toHex(info.aaguid)).toBe(e.aaguid);
    expect(info.aaguidString).toBe('f8a011f3-8c0a-4d15-8006-17111f9edc7d');
    expect(info.options).toEqual(e.options);
    expect(info.maxMsgSize).toBe(e.maxMsgSize);
    expect(info.pinUvAuthProtocols).toEqual(e.pinUvAuthProtocols);
    // Defaults for members the key left out.
    expect(info.transports).toEqual([]);
    expect(info.forcePINChange).toBe(false);
    expect(info.minPINLength).toBe(4);
    expect(info.longTouchForReset).toBe(false);
    expect(info.maxCredentialCountInList).toBeUndefined();
    expect(info.unknown).toEqual({});
    expect(supportsCtap21(info)).toBe(false);
    expect(pinState(info)).toBe('not-set');
    expect(credentialManagementCommand(info)).toBeUndefined();
  });

  it('an unknown key 99 is tolerated and kept in `unknown`, other members unchanged', () => {
    const info = parseGetInfo(expectMap(decodeCbor(hex(py.getInfo_extra_key.cbor_hex)), 'getInfo'));
    expect(info.versions).toEqual(['U2F_V2', 'FIDO_2_0']);
    expect(info.maxMsgSize).toBe(1200);
    expect(info.unknown).toEqual({ 99: 1234 });
  });

  it('the libfido2 getInfo (keys 0x01..0x1f) decodes every member to the listed value', () => {
    const msg = wire('WIREDATA_CTAP_CBOR_INFO').messages[0]!;
    const n = msg.getinfo_named as Record<string, any>;
    const info = parsePayload(msg.payload);
    expect(info.versions).toEqual(n['versions (0x01)']);
    expect(info.extensions).toEqual(n['extensions (0x02)']);
    expect(info.aaguidString).toBe(n['aaguid (0x03)']);
    expect(info.options).toEqual(n['options (0x04)']);
    expect(info.maxMsgSize).toBe(n['maxMsgSize (0x05)']);
    expect(info.pinUvAuthProtocols).toEqual(n['pinUvAuthProtocols (0x06)']);
    expect(info.maxCredentialCountInList).toBe(n['maxCredentialCountInList (0x07)']);
    expect(info.maxCredentialIdLength).toBe(n['maxCredentialIdLength (0x08)']);
    expect(info.transports).toEqual(n['transports (0x09)']);
    expect(info.algorithms).toEqual(n['algorithms (0x0a)']);
    expect(info.maxSerializedLargeBlobArray).toBe(n['maxSerializedLargeBlobArray (0x0b)']);
    expect(info.forcePINChange).toBe(n['forcePINChange (0x0c)']);
    expect(info.minPINLength).toBe(n['minPINLength (0x0d)']);
    expect(info.firmwareVersion).toBe(n['firmwareVersion (0x0e)']);
    expect(info.maxCredBlobLength).toBe(n['maxCredBlobLength (0x0f)']);
    expect(info.maxRPIDsForSetMinPINLength).toBe(n['maxRPIDsForSetMinPINLength (0x10)']);
    expect(info.remainingDiscoverableCredentials).toBe(n['remainingDiscoverableCredentials (0x14)']);
    expect(info.attestationFormats).toEqual(n['attestationFormats (0x16)']);
    expect(info.longTouchForReset).toBe(n['longTouchForReset (0x18)']);
    expect(toHex(info.encIdentifier!)).toBe(n['encIdentifier (0x19)'].$bytes);
    expect(info.transportsForReset).toEqual(n['transportsForReset (0x1a)']);
    expect(info.pinComplexityPolicy).toBe(n['pinComplexityPolicy (0x1b)']);
    expect(Buffer.from(info.pinComplexityPolicyURL!, 'utf8').toString('hex')).toBe(n['pinComplexityPolicyURL (0x1c)'].$bytes);
    expect(info.pinComplexityPolicyURL).toBe('https://example.com');
    expect(info.maxPINLength).toBe(n['maxPINLength (0x1d)']);
    expect(toHex(info.encCredStoreState!)).toBe(n['encCredStoreState (0x1e)'].$bytes);
    expect(info.authenticatorConfigCommands).toEqual(n['authenticatorConfigCommands (0x1f)']);
    expect(info.unknown).toEqual({});
    expect(supportsCtap21(info)).toBe(true);
    expect(pinState(info)).toBe('not-set');
    expect(credentialManagementCommand(info)).toBe(0x0a);
  });

  it('the historical CTAP 2.1-PRE getInfo decodes and selects command 0x41', () => {
    const msg = wire('WIREDATA_CTAP_CBOR_INFO', 'libfido2/historical_wiredata.json').messages[0]!;
    const n = msg.getinfo_named as Record<string, any>;
    const info = parsePayload(msg.payload);
    expect(info.versions).toEqual(n['versions (0x01)']);
    expect(info.extensions).toEqual(n['extensions (0x02)']);
    expect(info.aaguidString).toBe(n['aaguid (0x03)']);
    expect(info.options).toEqual(n['options (0x04)']);
    expect(info.maxMsgSize).toBe(n['maxMsgSize (0x05)']);
    expect(info.pinUvAuthProtocols).toEqual(n['pinUvAuthProtocols (0x06)']);
    expect(info.maxCredentialCountInList).toBe(n['maxCredentialCountInList (0x07)']);
    expect(info.maxCredentialIdLength).toBe(n['maxCredentialIdLength (0x08)']);
    expect(info.algorithms).toEqual(n['algorithms (0x0a)']);
    expect(supportsCtap21(info)).toBe(false);
    expect(credentialManagementCommand(info)).toBe(0x41);
  });

  it('applies option defaults from the spec', () => {
    const info = parseGetInfo(new Map<unknown, unknown>([[1, ['FIDO_2_0']], [3, new Uint8Array(16)]]));
    expect(hasOption(info, 'up')).toBe(true);
    expect(hasOption(info, 'rk')).toBe(false);
    expect(hasOption(info, 'plat')).toBe(false);
    expect(hasOption(info, 'clientPin')).toBeUndefined();
    expect(info.maxMsgSize).toBe(1024);
    expect(pinState(info)).toBe('unsupported');
  });

  it('keeps unknown option names', () => {
    const info = parseGetInfo(
      new Map<unknown, unknown>([[1, ['FIDO_2_1']], [3, new Uint8Array(16)], [4, new Map([['futureThing', true], ['clientPin', true]])]]),
    );
    expect(info.options).toEqual({ futureThing: true, clientPin: true });
    expect(pinState(info)).toBe('set');
  });

  it('wrong types are InvalidCborError', () => {
    const base = () => new Map<unknown, unknown>([[1, ['FIDO_2_0']], [3, new Uint8Array(16)]]);
    const bad: [number, unknown][] = [
      [1, 'FIDO_2_0'],
      [2, [1, 2]],
      [3, new Uint8Array(15)],
      [4, new Map([['rk', 1]])],
      [4, new Map([[1, true]])],
      [5, '1200'],
      [5, -1],
      [6, [1.5]],
      [0x0a, [new Map([['alg', 'x'], ['type', 'public-key']])]],
      [0x0c, 1],
      [0x0d, true],
      [0x19, 'id'],
      [0x1c, 42],
    ];
    for (const [key, value] of bad) {
      const m = base();
      m.set(key, value);
      expect(() => parseGetInfo(m), `key ${key}`).toThrow(InvalidCborError);
    }
    expect(() => parseGetInfo(new Map([[3, new Uint8Array(16)]]))).toThrow(InvalidCborError);
    expect(() => parseGetInfo(new Map([[1, ['FIDO_2_0']]]))).toThrow(InvalidCborError);
  });

  it('round-trips all CTAP 2.2 members, including those the vectors lack (0x11-0x13, 0x15, 0x17)', () => {
    const m = new Map<number, unknown>([
      [1, ['FIDO_2_1']],
      [3, new Uint8Array(16).fill(0xab)],
      [0x11, 3],
      [0x12, 2],
      [0x13, new Map([['FIDO', 2]])],
      [0x15, [7, 8]],
      [0x17, 5],
      [0x20, 'later'],
    ]);
    const info = parseGetInfo(expectMap(decodeCbor(encodeCbor(m as any)), 'x'));
    expect(info.preferredPlatformUVAttempts).toBe(3);
    expect(info.uvModality).toBe(2);
    expect(info.certifications).toEqual({ FIDO: 2 });
    expect(info.vendorPrototypeConfigCommands).toEqual([7, 8]);
    expect(info.uvCountSinceLastPinEntry).toBe(5);
    expect(info.unknown).toEqual({ 0x20: 'later' });
    expect(info.aaguidString).toBe('abababab-abab-abab-abab-abababababab');
  });
});

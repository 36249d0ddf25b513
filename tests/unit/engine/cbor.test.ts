import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CborValue, decodeCbor, encodeCbor } from '../../../src/cbor.js';
import { encodeRequest } from '../../../src/ctap2/command.js';
import { encodeGetAssertion } from '../../../src/ctap2/get-assertion.js';
import { InvalidCborError } from '../../../src/errors.js';
import { hex, loadVector, toHex } from './helpers/vectors.js';

const py = loadVector('python-fido2/python_fido2_vectors.json');
const requests = py['mock_ctap2_request_encodings (TestCtap2; device.call(cmd=0x10 CTAPHID_CBOR, data))'];

describe('CTAP2 canonical CBOR', () => {
  it('sorts map keys by major type, then encoded length, then bytes', () => {
    // Keys given in reverse of canonical order: -1 (major 1) after text, long text before short.
    const m = new Map<number | string, CborValue>([
      ['bb', 6],
      ['a', 5],
      ['b', 4],
      [-1, 3],
      [24, 2],
      [1, 1],
    ]);
    // 1 (01) < 24 (1818) < -1 (20) < "a" (6161) < "b" (6162) < "bb" (626262)
    expect(toHex(encodeCbor(m))).toBe('a6' + '0101' + '181802' + '2003' + '616105' + '616204' + '62626206');
  });

  it('sorts text keys of an object the same way (CTAP 2.1 §8 example order)', () => {
    const bytes = encodeCbor({ type: 'public-key', id: Uint8Array.of(1, 2), alg: -7 } as CborValue);
    // "id" (2 chars) < "alg" (3) < "type" (4)
    expect(toHex(bytes)).toBe('a3' + '6269644201026361' + '6c6726' + '6474797065' + '6a7075626c69632d6b6579');
  });

  it('uses the shortest integer encodings, also beyond 32 bits', () => {
    const cases: [number | bigint, string][] = [
      [0, '00'], [23, '17'], [24, '1818'], [255, '18ff'], [256, '190100'], [65535, '19ffff'], [65536, '1a00010000'],
      [0xffffffff, '1affffffff'], [0x100000000, '1b0000000100000000'], [-1, '20'], [-24, '37'], [-25, '3818'],
      [-0x100000001, '3b0000000100000000'], [5n, '05'], [0xffffffffn, '1affffffff'],
    ];
    for (const [value, expected] of cases) expect(toHex(encodeCbor(value)), String(value)).toBe(expected);
  });

  it('drops undefined map entries (absent optional parameters)', () => {
    expect(toHex(encodeCbor(new Map<number, CborValue>([[1, 1], [2, undefined], [3, 3]])))).toBe('a201010303');
  });

  it('encodes byte strings plainly, without tags', () => {
    expect(toHex(encodeCbor(Uint8Array.of(0xde, 0xad)))).toBe('42dead');
    expect(toHex(encodeCbor(new Uint8Array(300))).slice(0, 6)).toBe('59012c');
  });

  it('builds the python-fido2 request encodings byte for byte', () => {
    expect(toHex(encodeRequest(0x04))).toBe(requests.getInfo.request_payload_hex);
    expect(toHex(encodeRequest(0x01, new Map([[4, 4], [3, 3], [2, 2], [1, 1]])))).toBe(requests['makeCredential(1,2,3,4)'].request_payload_hex);
    expect(toHex(encodeRequest(0x02, new Map([[2, 2], [1, 1]])))).toBe(requests['getAssertion(1,2)'].request_payload_hex);
  });

  it('typed getAssertion builder produces canonical bytes', () => {
    const m = encodeGetAssertion({ rpId: 'a', clientDataHash: new Uint8Array(32), options: { up: false } });
    expect(toHex(encodeRequest(0x02, m))).toBe('02a3' + '016161' + '025820' + '00'.repeat(32) + '05a1627570f4');
  });

  it('decodes maps as Map with integer keys', () => {
    const m = decodeCbor(hex(py.getInfo.cbor_hex)) as Map<unknown, unknown>;
    expect(m).toBeInstanceOf(Map);
    expect(m.get(1)).toEqual(['U2F_V2', 'FIDO_2_0']);
    expect(m.get(5)).toBe(1200);
  });

  it('rejects empty, truncated and trailing data with InvalidCborError', () => {
    expect(() => decodeCbor(new Uint8Array(0))).toThrow(InvalidCborError);
    expect(() => decodeCbor(hex('a201'))).toThrow(InvalidCborError);
    expect(() => decodeCbor(hex('0102'))).toThrow(InvalidCborError);
    expect(() => decodeCbor(hex('5f4101ff'))).toThrow(InvalidCborError);
  });
});

/** CTAP-like values: integer- or text-keyed maps of ints, text, bytes, booleans and arrays. */
const leaf: fc.Arbitrary<CborValue> = fc.oneof(
  fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }),
  fc.string({ maxLength: 20 }),
  fc.uint8Array({ maxLength: 40 }).map((b) => new Uint8Array(b)),
  fc.boolean(),
);
const value: fc.Arbitrary<CborValue> = fc.letrec<{ v: CborValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.uniqueArray(fc.tuple(fc.integer({ min: -30, max: 300 }), tie('v')), { selector: ([k]) => k, maxLength: 5 }).map((e) => new Map(e)),
    fc.uniqueArray(fc.tuple(fc.string({ maxLength: 8 }), tie('v')), { selector: ([k]) => k, maxLength: 5 }).map((e) => new Map(e)),
  ),
})).v;

function normalise(v: unknown): unknown {
  if (v instanceof Uint8Array) return { bytes: toHex(v) };
  if (Array.isArray(v)) return v.map(normalise);
  if (v instanceof Map) return [...v.entries()].map(([k, x]) => [k, normalise(x)]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  return v;
}

describe('CBOR properties', () => {
  it('decode(encode(x)) == x for generated CTAP-like maps, and encoding is stable', () => {
    fc.assert(
      fc.property(value, (x) => {
        const bytes = encodeCbor(x);
        const back = decodeCbor(bytes);
        expect(normalise(back)).toEqual(normalise(x));
        // Canonical: re-encoding the decoded value gives the same bytes.
        expect(toHex(encodeCbor(back as CborValue))).toBe(toHex(bytes));
      }),
      { numRuns: 300 },
    );
  });
});

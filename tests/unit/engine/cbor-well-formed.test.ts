import { describe, expect, it } from 'vitest';
import { assertWellFormed, decodeCbor, encodeCbor } from '../../../src/cbor.js';
import { InvalidCborError } from '../../../src/errors.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

describe('CBOR well-formedness check before decoding', () => {
  it.each([
    ['9f', 'indefinite array without break'],
    ['bf', 'indefinite map without break'],
    ['9a05000000', 'array header claiming 83 million items'],
    ['5a00000010aa', 'byte string longer than the data'],
    ['a201', 'map missing entries'],
    ['ff', 'a lone break'],
    ['1c', 'reserved additional information'],
    ['bf01ff', 'indefinite map with a key and no value'],
    ['5f4101ff00', 'trailing byte after an indefinite string'],
    ['81'.repeat(40) + '00', 'nesting deeper than CTAP ever needs'],
  ])('%s (%s) is an InvalidCborError, quickly', (input) => {
    const started = performance.now();
    expect(() => decodeCbor(hex(input))).toThrow(InvalidCborError);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it.each([
    ['9f0102ff', [1, 2]],
    ['bf0102ff', new Map([[1, 2]])],
    ['5f41014102ff', undefined], // well-formed; cbor-x then refuses indefinite strings with a typed error
    ['d8184100', undefined],
  ])('accepts the well-formed item %s', (input, expected) => {
    expect(() => assertWellFormed(hex(input))).not.toThrow();
    if (expected !== undefined) expect(decodeCbor(hex(input))).toEqual(expected);
    else expect(() => decodeCbor(hex(input)), 'decodes or fails typed').not.toThrow(TypeError);
  });

  it('accepts everything our own encoder writes', () => {
    const value = new Map<number, unknown>([
      [1, ['FIDO_2_0', 'FIDO_2_1']],
      [3, new Uint8Array(16)],
      [4, new Map([['rk', true], ['clientPin', false]])],
      [5, 1200],
      [-1, -70000],
    ]);
    expect(() => assertWellFormed(encodeCbor(value as never))).not.toThrow();
  });
});

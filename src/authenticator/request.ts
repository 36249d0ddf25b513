/**
 * Reading CTAP2 request parameters (CTAP 2.1 §8 message encoding): a missing mandatory parameter
 * is CTAP2_ERR_MISSING_PARAMETER, a parameter of the wrong CBOR type is
 * CTAP2_ERR_CBOR_UNEXPECTED_TYPE. Failures are thrown as CtapError carrying the status byte.
 */
import { CtapStatus } from '../ctap2/status.js';
import { CtapError } from '../errors.js';

/** End the command with a CTAP status byte. */
export function fail(status: number): never {
  throw new CtapError(status);
}

type Kind = 'bytes' | 'text' | 'int' | 'bool' | 'map' | 'array';

/** Typed access to a decoded CBOR request map. */
export class Params {
  constructor(readonly map: Map<unknown, unknown>) {}

  static from(value: unknown): Params {
    if (value === undefined) return new Params(new Map());
    if (!(value instanceof Map)) fail(CtapStatus.CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
    return new Params(value);
  }

  has(key: number | string): boolean {
    return this.map.has(key);
  }

  raw(key: number | string): unknown {
    return this.map.get(key);
  }

  bytes(key: number | string): Uint8Array | undefined;
  bytes(key: number | string, required: true): Uint8Array;
  bytes(key: number | string, required = false): Uint8Array | undefined {
    return this.get(key, 'bytes', required) as Uint8Array | undefined;
  }

  text(key: number | string): string | undefined;
  text(key: number | string, required: true): string;
  text(key: number | string, required = false): string | undefined {
    return this.get(key, 'text', required) as string | undefined;
  }

  int(key: number | string): number | undefined;
  int(key: number | string, required: true): number;
  int(key: number | string, required = false): number | undefined {
    return this.get(key, 'int', required) as number | undefined;
  }

  bool(key: number | string): boolean | undefined {
    return this.get(key, 'bool', false) as boolean | undefined;
  }

  sub(key: number | string): Params | undefined;
  sub(key: number | string, required: true): Params;
  sub(key: number | string, required = false): Params | undefined {
    const m = this.get(key, 'map', required) as Map<unknown, unknown> | undefined;
    return m ? new Params(m) : undefined;
  }

  array(key: number | string): unknown[] | undefined;
  array(key: number | string, required: true): unknown[];
  array(key: number | string, required = false): unknown[] | undefined {
    return this.get(key, 'array', required) as unknown[] | undefined;
  }

  private get(key: number | string, kind: Kind, required: boolean): unknown {
    if (!this.map.has(key)) {
      if (required) fail(CtapStatus.CTAP2_ERR_MISSING_PARAMETER);
      return undefined;
    }
    const value = this.map.get(key);
    if (!isKind(value, kind)) fail(CtapStatus.CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
    return value;
  }
}

function isKind(value: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'bytes':
      return value instanceof Uint8Array;
    case 'text':
      return typeof value === 'string';
    case 'int':
      return typeof value === 'number' && Number.isInteger(value);
    case 'bool':
      return typeof value === 'boolean';
    case 'map':
      return value instanceof Map;
    case 'array':
      return Array.isArray(value);
  }
}

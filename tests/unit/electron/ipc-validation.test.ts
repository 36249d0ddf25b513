/** Run-time argument validation of the IPC contract (electron/ipc-validation.ts). */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { SkmArgs, SkmMethod } from '../../../electron/ipc-contract.js';
import { LIMITS, SKM_METHODS, argSchemas, isSkmMethod, validateArgs } from '../../../electron/ipc-validation.js';

// Compile-time: a schema map that misses a method does not satisfy the contract.
// @ts-expect-error getKeyInfo and the other methods are missing
const _incomplete = { getAppState: z.tuple([]) } satisfies { [M in SkmMethod]: z.ZodType<SkmArgs<M>> };
// @ts-expect-error a schema whose output does not fit the contract's argument types
const _wrongType = { ...argSchemas, getKeyInfo: z.tuple([z.number()]) } satisfies { [M in SkmMethod]: z.ZodType<SkmArgs<M>> };

describe('ipc-validation', () => {
  it('has a schema for exactly the contract methods, and does not import electron', async () => {
    expect(SKM_METHODS).toHaveLength(27);
    expect(new Set(SKM_METHODS).size).toBe(SKM_METHODS.length);
    const { readFile } = await import('node:fs/promises');
    const source = await readFile(new URL('../../../electron/ipc-validation.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/from ['"]electron['"]/);
  });

  it('knows method names only as own keys', () => {
    expect(isSkmMethod('setPin')).toBe(true);
    for (const bad of ['toString', '__proto__', 'constructor', 'hasOwnProperty', '', 'setpin', 42, null]) {
      expect(isSkmMethod(bad)).toBe(false);
    }
  });

  it('accepts well-formed arguments unchanged', () => {
    expect(validateArgs('changePin', ['memory:a', '1234', '56789', '56789'])).toEqual({ ok: true, args: ['memory:a', '1234', '56789', '56789'] });
    expect(validateArgs('getAppState', [])).toEqual({ ok: true, args: [] });
    expect(validateArgs('pickByTouch', [['a', 'b']]).ok).toBe(true);
    expect(validateArgs('deletePasskey', ['s1', '0a1b']).ok).toBe(true);
    expect(validateArgs('updateSettings', ['k', '1234', { minPINLength: 6, forcePINChange: true }]).ok).toBe(true);
    expect(validateArgs('startReset', ['k', { confirmationToken: 't', understandsLoss: true, hasBackupSignIn: false }]).ok).toBe(true);
    expect(validateArgs('setDemoMode', [true]).ok).toBe(true);
    // An empty PIN reaches the service, which answers with the PIN rules in plain words.
    expect(validateArgs('setPin', ['k', '', '']).ok).toBe(true);
  });

  it.each([
    ['getAppState', [1], 'extra argument'],
    ['getKeyInfo', [], 'missing argument'],
    ['getKeyInfo', [''], 'empty id'],
    ['getKeyInfo', ['x'.repeat(LIMITS.id + 1)], 'oversized id'],
    ['getKeyInfo', [{ toString: () => 'k' }], 'object instead of string'],
    ['setPin', ['k', 'p'.repeat(LIMITS.pin + 1), '1234'], 'oversized PIN'],
    ['setPin', ['k', 1234, 1234], 'PIN as number'],
    ['changePin', ['k', '1', '2'], 'too few arguments'],
    ['pickByTouch', [[]], 'empty list'],
    ['pickByTouch', [Array.from({ length: LIMITS.list + 1 }, (_, i) => `k${i}`)], 'oversized list'],
    ['pickByTouch', ['k'], 'string instead of list'],
    ['deletePasskey', ['s', 'XYZ'], 'credential id not hex'],
    ['deletePasskey', ['s', 'ABCD'], 'credential id upper-case'],
    ['deletePasskey', ['s', 'abc'], 'odd-length hex'],
    ['deletePasskey', ['s', 'ab'.repeat(LIMITS.credentialIdHex)], 'oversized credential id'],
    ['updateSettings', ['k', '1234', { minPINLength: 3 }], 'min PIN length below 4'],
    ['updateSettings', ['k', '1234', { minPINLength: 64 }], 'min PIN length above 63'],
    ['updateSettings', ['k', '1234', { minPINLength: 6.5 }], 'fractional length'],
    ['updateSettings', ['k', '1234', { evil: true }], 'unknown setting'],
    ['startReset', ['k', { confirmationToken: 't', understandsLoss: 'yes', hasBackupSignIn: true }], 'acknowledgement not boolean'],
    ['startReset', ['k', { confirmationToken: 't', understandsLoss: true }], 'acknowledgement incomplete'],
    ['startReset', ['k', { confirmationToken: 't', understandsLoss: true, hasBackupSignIn: true, force: true }], 'acknowledgement with extra field'],
    ['openExternal', ['https://a.example/' + 'x'.repeat(LIMITS.url)], 'oversized URL'],
    ['setDemoMode', ['true'], 'string instead of boolean'],
    ['listKeys', 'not-an-array', 'arguments not an array'],
    ['listKeys', null, 'arguments null'],
  ] as [SkmMethod, unknown, string][])('rejects %s with %j (%s)', (method, args) => {
    const r = validateArgs(method, args);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.length).toBeGreaterThan(0);
  });

  it('never echoes a rejected value (it may be a PIN)', () => {
    const secret = 'my-secret-pin-' + 'z'.repeat(300);
    const r = validateArgs('changePin', ['k', secret, 42, secret]);
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).not.toContain('my-secret-pin');
    const r2 = validateArgs('updateSettings', ['k', 'p', { minPINLength: 'my-secret-pin' }]);
    expect(JSON.stringify(r2)).not.toContain('my-secret-pin');
  });
});

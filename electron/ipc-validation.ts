/**
 * Run-time validation of every IPC call's arguments (electron/ipc-contract.ts). The renderer is
 * treated as untrusted: types, shapes and sizes are checked here before the service sees anything.
 * Pure zod, no Electron import, so main and the browser test bridge share it verbatim.
 * Sizes: PIN strings <= 256 characters (the key itself allows 63 UTF-8 bytes, the service checks
 * that with a precise message), ids <= 512, lists <= 16, URLs <= 2048.
 */
import { z } from 'zod';
import type { SkmArgs, SkmMethod } from './ipc-contract.js';

export const LIMITS = {
  pin: 256,
  id: 512,
  list: 16,
  url: 2048,
  /** Credential IDs travel as lowercase hex; CTAP keys use at most 1023 bytes (maxCredentialIdLength). */
  credentialIdHex: 2048,
} as const;

const keyId = z.string().min(1).max(LIMITS.id);
const session = z.string().min(1).max(LIMITS.id);
// Length bounds only: PIN rules (minimum length, 63 bytes, trailing NUL) are the service's, with plain wording.
const pin = z.string().max(LIMITS.pin);
const credentialId = z
  .string()
  .min(2)
  .max(LIMITS.credentialIdHex)
  .regex(/^(?:[0-9a-f]{2})+$/, 'lowercase hex');

/** CTAP 2.1 §6.11 authenticatorConfig subcommands the UI may ask for (setMinPINLength, toggleAlwaysUv). */
const settingsChange = z.strictObject({
  // A minimum PIN length above the 63-byte maximum could never be met.
  minPINLength: z.number().int().min(4).max(63).optional(),
  forcePINChange: z.boolean().optional(),
  toggleAlwaysUv: z.boolean().optional(),
});

/** The user's answers in the reset wizard (authenticatorReset, CTAP 2.1 §6.6, guarded by the service). */
const resetAcknowledgement = z.strictObject({
  confirmationToken: z.string().min(1).max(LIMITS.id),
  understandsLoss: z.boolean(),
  hasBackupSignIn: z.boolean(),
});

/**
 * One argument-tuple schema per contract method. `satisfies` makes a missing or extra method, or a
 * schema whose output does not fit the contract's arguments, a type error.
 */
export const argSchemas = {
  getAppState: z.tuple([]),
  listKeys: z.tuple([]),
  getKeyInfo: z.tuple([keyId]),
  getSupportReport: z.tuple([keyId]),
  setPin: z.tuple([keyId, pin, pin]),
  changePin: z.tuple([keyId, pin, pin, pin]),
  touchTest: z.tuple([keyId]),
  wink: z.tuple([keyId]),
  pickByTouch: z.tuple([z.array(keyId).min(1).max(LIMITS.list)]),
  cancel: z.tuple([keyId]),
  listPasskeys: z.tuple([keyId, pin]),
  deletePasskey: z.tuple([session, credentialId]),
  closePasskeys: z.tuple([session]),
  updateSettings: z.tuple([keyId, pin, settingsChange]),
  previewReset: z.tuple([keyId, pin]),
  prepareReset: z.tuple([keyId]),
  startReset: z.tuple([keyId, resetAcknowledgement]),
  cancelReset: z.tuple([]),
  getResetStatus: z.tuple([]),
  runDoctor: z.tuple([]),
  getOrgProfile: z.tuple([]),
  openExternal: z.tuple([z.string().min(1).max(LIMITS.url)]),
  setDemoMode: z.tuple([z.boolean()]),
  demoTouch: z.tuple([]),
  demoRefuse: z.tuple([]),
  demoUnplug: z.tuple([]),
  demoPlug: z.tuple([]),
} satisfies { [M in SkmMethod]: z.ZodType<SkmArgs<M>> };

/** Every method of the contract, in declaration order. */
export const SKM_METHODS = Object.freeze(Object.keys(argSchemas) as SkmMethod[]);

/** True for the name of a contract method (own keys only: "toString", "__proto__" are not methods). */
export function isSkmMethod(name: unknown): name is SkmMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(argSchemas, name);
}

export type ArgsCheck<M extends SkmMethod> = { ok: true; args: SkmArgs<M> } | { ok: false; problems: string[] };

/**
 * Check one call's arguments. Problems name the argument position and the rule broken, never the
 * value: a rejected argument may be a PIN.
 */
export function validateArgs<M extends SkmMethod>(method: M, args: unknown): ArgsCheck<M> {
  const schema: z.ZodType = argSchemas[method];
  const result = schema.safeParse(args);
  if (result.success) return { ok: true, args: result.data as SkmArgs<M> };
  const problems = result.error.issues.slice(0, 5).map((issue) => {
    const where = issue.path.length === 0 ? 'arguments' : `argument ${issue.path.map(String).join('.')}`;
    return `${where}: ${issue.code.replace(/_/g, ' ')}`;
  });
  return { ok: false, problems };
}

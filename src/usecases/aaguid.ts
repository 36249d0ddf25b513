/**
 * Model names by AAGUID (CTAP 2.1 §6.4 getInfo 0x03, "aaguid"), from resources/aaguid.json.
 * An all-zero AAGUID says nothing about the model (U2F-only and privacy-preserving keys).
 */
import table from '../../resources/aaguid.json' with { type: 'json' };

const NAMES: ReadonlyMap<string, string> = new Map(
  Object.entries(table as Record<string, string>).filter(([k]) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(k)),
);

export const ZERO_AAGUID = '00000000-0000-0000-0000-000000000000';

/** The model name for an AAGUID in UUID form, or undefined when the table does not know it. */
export function modelNameForAaguid(aaguid: string): string | undefined {
  return NAMES.get(aaguid.toLowerCase());
}

/** Model shown to the user: the table's name, else the USB product string, else a plain fallback. */
export function describeModel(aaguid: string, product?: string): { name: string; aaguid: string; known: boolean } {
  const known = modelNameForAaguid(aaguid);
  if (known) return { name: known, aaguid, known: true };
  return { name: product?.trim() || 'Unknown security key', aaguid, known: false };
}

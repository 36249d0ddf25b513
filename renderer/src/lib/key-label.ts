/**
 * How a key is named on screen. Several keys must be told apart (model, maker/product, USB id,
 * serial where the key reports one), and the built-in demo key is always labelled as software.
 */
import type { KeyInfo, KeySummary } from '../../../src/usecases/types.js';
import { formatUsbId } from './format.js';

/** The one label the demo key carries everywhere it appears. */
export const DEMO_KEY_LABEL = 'Demo key (software, not a real security key)';

/** Main name: the demo label, else the model from getInfo (AAGUID lookup), else the USB product name. */
export function keyTitle(key: KeySummary, info?: KeyInfo): string {
  if (key.isDemo) return DEMO_KEY_LABEL;
  if (info && info.model.known) return info.model.name;
  const product = key.product?.trim();
  const maker = key.manufacturer?.trim();
  if (product && maker && !product.toLowerCase().includes(maker.toLowerCase())) return `${maker} ${product}`;
  if (product) return product;
  if (info) return info.model.name;
  return maker ? `${maker} security key` : 'Security key';
}

/** Secondary facts that tell two keys of the same model apart. */
export function keyFacts(key: KeySummary, info?: KeyInfo): string[] {
  const facts: string[] = [];
  if (key.isDemo) {
    facts.push('Built into this app for practice; nothing you do here touches a real key');
    return facts;
  }
  const maker = key.manufacturer?.trim();
  const product = key.product?.trim();
  const title = keyTitle(key, info);
  if (product && product !== title) facts.push(maker ? `${maker} ${product}` : product);
  else if (maker && !title.toLowerCase().includes(maker.toLowerCase())) facts.push(`Made by ${maker}`);
  facts.push(`USB ID ${formatUsbId(key.vendorId, key.productId)}`);
  if (key.serialNumber?.trim()) facts.push(`Serial ${key.serialNumber.trim()}`);
  if (info?.firmwareVersion) facts.push(`Firmware ${info.firmwareVersion}`);
  if (key.transport === 'udp') facts.push('Connected over the network simulator');
  return facts;
}

/** One-line name used in buttons and announcements. */
export function keyShortName(key: KeySummary, info?: KeyInfo): string {
  if (key.isDemo) return DEMO_KEY_LABEL;
  const title = keyTitle(key, info);
  return key.serialNumber?.trim() ? `${title} (serial ${key.serialNumber.trim()})` : title;
}

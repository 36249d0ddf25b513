import { describe, expect, it } from 'vitest';
import { DEMO_KEY_LABEL, keyFacts, keyShortName, keyTitle } from '../../../renderer/src/lib/key-label.js';
import { keyInfo, summary } from './fixtures.js';

describe('key names', () => {
  it('always labels the demo key as software', () => {
    const demo = summary('demo', { isDemo: true, transport: 'memory', product: 'Anything' });
    expect(DEMO_KEY_LABEL).toBe('Demo key (software, not a real security key)');
    expect(keyTitle(demo)).toBe(DEMO_KEY_LABEL);
    expect(keyTitle(demo, keyInfo(demo))).toBe(DEMO_KEY_LABEL);
    expect(keyShortName(demo)).toBe(DEMO_KEY_LABEL);
  });

  it('prefers the known model, then the USB product name', () => {
    const k = summary('a');
    expect(keyTitle(k, keyInfo(k))).toBe('YubiKey 5 NFC');
    expect(keyTitle(k)).toBe('Yubico YubiKey OTP+FIDO+CCID');
    expect(keyTitle(summary('b', { manufacturer: undefined, product: undefined }))).toBe('Security key');
    const unknown = keyInfo(k, { model: { name: 'Unknown key', aaguid: '00', known: false } });
    expect(keyTitle(k, unknown)).toBe('Yubico YubiKey OTP+FIDO+CCID');
  });

  it('tells two keys of the same model apart by serial and USB id', () => {
    const a = summary('a', { serialNumber: '111' });
    const b = summary('b', { serialNumber: '222' });
    expect(keyShortName(a, keyInfo(a))).not.toBe(keyShortName(b, keyInfo(b)));
    expect(keyFacts(a)).toContain('Serial 111');
    expect(keyFacts(a)).toContain('USB ID 1050:0407');
  });
});

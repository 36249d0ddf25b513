/**
 * Throwaway in-page fake of the preload API for trying the UI without the key service.
 * Not imported by production code: bundle it separately and install it before the app loads
 * (e.g. Playwright addInitScript). Behaviour is rough on purpose; the real rules live in src/.
 */
import type { SkmApi } from '../../../electron/ipc-contract.js';
import type { ErrorInfo, KeyEvent, KeyInfo, KeySummary, PasskeyList, Result } from '../../../src/usecases/types.js';

const ok = <T,>(value: T): Result<T> => ({ ok: true, value });
const fail = (error: ErrorInfo): Result<never> => ({ ok: false, error });
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createFakeApi(opts: { keys?: number; doctorFail?: boolean; profileError?: boolean } = {}): SkmApi {
  const listeners = new Set<(e: KeyEvent) => void>();
  const emit = (e: KeyEvent) => listeners.forEach((l) => l(e));
  let demo = false;
  let pin: string | undefined = '123456';
  let retries = 8;
  let touchResolver: ((v: boolean) => void) | undefined;
  const real: KeySummary[] = Array.from({ length: opts.keys ?? 1 }, (_, i) => ({
    id: `/dev/hidraw${i}`,
    transport: 'usb' as const,
    isDemo: false,
    vendorId: 0x1050,
    productId: 0x0407,
    manufacturer: 'Yubico',
    product: 'YubiKey OTP+FIDO+CCID',
    serialNumber: i ? `1234567${i}` : undefined,
  }));
  const demoKey: KeySummary = { id: 'demo', transport: 'memory', isDemo: true, vendorId: 0, productId: 0 };
  const keys = () => (demo ? [...real, demoKey] : [...real]);
  const passkeys: PasskeyList = {
    sites: [
      { rpId: 'login.microsoft.com', rpName: 'Microsoft', passkeys: [{ credentialId: 'aa01', userId: '01', userName: 'jane.doe@nhs.net', userDisplayName: 'Jane Doe' }] },
      { rpId: 'github.com', passkeys: [{ credentialId: 'bb02', userId: '02', userName: 'janedoe' }] },
    ],
    existingCount: 2,
    remainingCount: 23,
  };
  const info = (id: string): KeyInfo => ({
    key: keys().find((k) => k.id === id)!,
    kind: 'fido2',
    model: { name: id === 'demo' ? 'Software key' : 'YubiKey 5 NFC', aaguid: 'cb69481e8ff7403993ec0a2729a154a8', known: true },
    firmwareVersion: '5.4.3',
    hid: { ctaphidProtocolVersion: 2, deviceVersion: '5.4.3', capabilities: { wink: true, cbor: true, nmsg: true } },
    ctapVersions: ['FIDO_2_0', 'FIDO_2_1'],
    pin: { isSet: pin !== undefined, retries, blocked: retries === 0, forcePINChange: false, minPINLength: 4, maxPINLengthBytes: 63, pinUvAuthProtocols: [2, 1] },
    options: [
      { name: 'rk', value: true, label: 'Can store passkeys on the key' },
      { name: 'clientPin', value: pin !== undefined, label: pin !== undefined ? 'A PIN is set on this key' : 'No PIN is set yet' },
      { name: 'alwaysUv', value: false, label: 'Always asks for the PIN' },
    ],
    remainingDiscoverableCredentials: 23,
    supports: { selection: true, credentialManagement: true, config: true, setMinPINLength: true, alwaysUv: true, wink: true, longTouchForReset: false },
    getInfo: { versions: ['FIDO_2_0', 'FIDO_2_1'], aaguid: 'cb69481e8ff7403993ec0a2729a154a8', options: { rk: true, clientPin: pin !== undefined } },
  });
  async function touch(keyId: string): Promise<boolean> {
    emit({ type: 'progress', keyId, operation: 'touch', progress: { step: 'touch-needed' } });
    if (keyId === 'demo') {
      emit({ type: 'demo-touch-wait', waiting: true });
      const v = await new Promise<boolean>((r) => (touchResolver = r));
      emit({ type: 'demo-touch-wait', waiting: false });
      return v;
    }
    await wait(1500);
    return true;
  }
  const api = {
    getAppState: async () => ok({ version: '0.1.0', platform: 'linux', demoMode: demo }),
    listKeys: async () => ok(keys()),
    getKeyInfo: async (id: string) => (keys().some((k) => k.id === id) ? ok(info(id)) : fail({ code: 'KEY_NOT_FOUND', message: 'No such key.' })),
    getSupportReport: async () => ok('Security Key Manager support report\nModel: YubiKey 5 NFC'),
    setPin: async (_k: string, n: string) => {
      pin = n;
      return ok({ retries: 8 });
    },
    changePin: async (_k: string, c: string, n: string) => {
      if (c !== pin) {
        retries -= 1;
        return fail({ code: 'WRONG_PIN', message: 'Wrong PIN.', retriesLeft: retries });
      }
      pin = n;
      retries = 8;
      return ok({ retries });
    },
    touchTest: async (k: string) => ((await touch(k)) ? ok({ outcome: 'touched' as const }) : fail({ code: 'TOUCH_REFUSED', message: 'Refused.' })),
    wink: async () => ok(undefined),
    pickByTouch: async (ids: string[]) => {
      await touch(ids[0]!);
      return ok({ keyId: ids[ids.length - 1]! });
    },
    cancel: async () => {
      touchResolver?.(false);
      return ok(undefined);
    },
    listPasskeys: async (_k: string, p: string) => (p === pin ? ok({ session: 's1', list: passkeys }) : fail({ code: 'WRONG_PIN', message: 'Wrong PIN.', retriesLeft: --retries })),
    deletePasskey: async (_s: string, id: string) => {
      passkeys.sites = passkeys.sites.map((s) => ({ ...s, passkeys: s.passkeys.filter((p) => p.credentialId !== id) })).filter((s) => s.passkeys.length);
      passkeys.existingCount -= 1;
      return ok(passkeys);
    },
    closePasskeys: async () => ok(undefined),
    updateSettings: async () => ok({ minPINLength: 6, forcePINChange: false, alwaysUv: false }),
    previewReset: async () => ok(passkeys),
    prepareReset: async (k: string) =>
      keys().length > 1
        ? fail({ code: 'MULTIPLE_KEYS', message: 'Two keys are plugged in.' })
        : ok({ confirmationToken: 't', keyId: k, modelName: 'YubiKey 5 NFC', windowMs: 10000, longTouchForReset: false, losses: ['Every passkey and sign-in stored on the key', 'The PIN'] }),
    startReset: async (k: string) => {
      emit({ type: 'reset-status', status: { phase: 'unplug', keyId: k } });
      await wait(1500);
      emit({ type: 'reset-status', status: { phase: 'replug', keyId: k } });
      await wait(1500);
      for (let ms = 10000; ms > 6000; ms -= 1000) {
        emit({ type: 'reset-status', status: { phase: 'touch', keyId: k, remainingMs: ms } });
        await wait(1000);
      }
      pin = undefined;
      emit({ type: 'reset-status', status: { phase: 'done', keyId: k } });
      return ok({ phase: 'done' as const, keyId: k });
    },
    cancelReset: async () => ok(undefined),
    getResetStatus: async () => ok({ phase: 'idle' as const }),
    runDoctor: async () =>
      ok({
        platform: 'linux',
        checks: opts.doctorFail
          ? [{ id: 'udev', title: 'USB access rules', status: 'fail' as const, detail: 'No udev rule gives you access to security keys.', fix: 'sudo cp 70-security-key-manager.rules /etc/udev/rules.d/ && sudo udevadm control --reload' }]
          : [],
      }),
    getOrgProfile: async () =>
      ok({
        profile: { id: 'nhsmail', organisationName: 'NHSmail', portalName: 'NHSmail portal', portalUrl: 'https://portal.nhs.net', supportContact: "your organisation's Local Administrator", allowedHosts: ['portal.nhs.net'], links: [{ label: 'NHSmail help and support', url: 'https://support.nhs.net' }] },
        source: 'default' as const,
        error: opts.profileError ? 'portalUrl must be an https address' : undefined,
      }),
    openExternal: async () => ok(undefined),
    setDemoMode: async (on: boolean) => {
      demo = on;
      emit({ type: 'keys-changed', keys: keys(), added: on ? ['demo'] : [], removed: on ? [] : ['demo'] });
      return ok(undefined);
    },
    demoTouch: async () => {
      touchResolver?.(true);
      return ok(undefined);
    },
    demoRefuse: async () => {
      touchResolver?.(false);
      return ok(undefined);
    },
    demoUnplug: async () => ok(undefined),
    demoPlug: async () => ok(undefined),
    onEvent: (l: (e: KeyEvent) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return api as unknown as SkmApi;
}

/** Installs the fake as window.skm (options from ?fake=keys:2,doctor,profile in the URL). */
export function installFakeApi(): void {
  const q = new URLSearchParams(location.search).get('fake') ?? '';
  const keys = /keys:(\d)/.exec(q);
  window.skm = createFakeApi({ keys: keys ? Number(keys[1]) : 1, doctorFail: q.includes('doctor'), profileError: q.includes('profile') });
}

/**
 * The virtual key, in its own process (forked by the guest suite): the software authenticator
 * (or the tiny fake CTAPHID device) behind a uhid bridge. Keeping the key out of the suite's
 * process matters: node-hid calls that block the host's event loop must not also freeze the key,
 * exactly as with a real USB key. Controlled over the fork IPC channel (see virtual-key.ts).
 */
import * as authenticatorModule from '../../src/authenticator/index.js';
import type { VirtualHidDevice } from '../../src/transport/virtual-device.js';
import { FakeCtapHidDevice } from './fake-ctaphid-device.js';
import { UhidBridge, type UhidIdentity } from './uhid-bridge.js';

export type KeyKind = 'fake' | 'authenticator';
export type KeyRequest =
  | { op: 'start'; kind: KeyKind; identity: UhidIdentity; profile?: string }
  | { op: 'unplug' }
  | { op: 'plug'; hidDelayMs?: number }
  | { op: 'presence'; policy: { kind: string; ms?: number } }
  | { op: 'hidraw' }
  | { op: 'events' }
  | { op: 'stop' };
export type KeyReply = { id: number; ok: true; value?: unknown } | { id: number; ok: false; error: string };

/** The parts of the software authenticator the rig drives (src/authenticator/index.ts). */
interface SoftwareKey extends VirtualHidDevice {
  unplug(): void;
  plug(): void;
  presence: { setPolicy(policy: unknown): void };
}
type SoftwareKeyClass = new (opts: { profile: string }) => SoftwareKey;

let device: VirtualHidDevice | null = null;
let bridge: UhidBridge | null = null;

function softwareAuthenticatorClass(): SoftwareKeyClass | undefined {
  // Absent until src/authenticator/index.ts exists (the rig's bundler stubs missing src modules).
  return (authenticatorModule as Record<string, unknown>).SoftwareAuthenticator as SoftwareKeyClass | undefined;
}

async function handle(req: KeyRequest): Promise<unknown> {
  switch (req.op) {
    case 'start': {
      if (bridge) throw new Error('key already started');
      if (req.kind === 'authenticator') {
        const Cls = softwareAuthenticatorClass();
        if (!Cls) throw new Error('src/authenticator/index.ts (SoftwareAuthenticator) is not available');
        const key = new Cls({ profile: req.profile ?? 'ctap21' });
        key.presence.setPolicy({ kind: 'approve' });
        device = key;
      } else {
        device = new FakeCtapHidDevice();
      }
      bridge = new UhidBridge(device, req.identity);
      bridge.create();
      return bridge.waitForHidraw(5000);
    }
    case 'unplug': {
      const b = need(bridge);
      const key = device as Partial<SoftwareKey>;
      // Power goes first, as when the key leaves the port; the bridge then destroys the HID device.
      key.unplug?.();
      b.destroy();
      return undefined;
    }
    case 'plug': {
      const b = need(bridge);
      (device as Partial<SoftwareKey>).plug?.();
      // A delay between power-up and the HID device appearing: the key's reset window starts
      // ticking before any host can reach it (how a replug "comes too late").
      if (req.hidDelayMs) await new Promise((r) => setTimeout(r, req.hidDelayMs));
      b.create();
      return b.waitForHidraw(5000);
    }
    case 'presence': {
      const key = device as Partial<SoftwareKey>;
      if (!key.presence) throw new Error('this key has no presence sensor');
      key.presence.setPolicy(req.policy);
      return undefined;
    }
    case 'hidraw':
      return need(bridge).findHidraw() ?? null;
    case 'events':
      return Object.fromEntries(need(bridge).seen);
    case 'stop':
      bridge?.destroy();
      setTimeout(() => process.exit(0), 10);
      return undefined;
  }
}

function need<T>(v: T | null): T {
  if (!v) throw new Error('key not started');
  return v;
}

process.on('message', (msg: { id: number; req: KeyRequest }) => {
  handle(msg.req).then(
    (value) => process.send?.({ id: msg.id, ok: true, value } satisfies KeyReply),
    (e: unknown) => process.send?.({ id: msg.id, ok: false, error: e instanceof Error ? e.message : String(e) } satisfies KeyReply),
  );
});
// The suite going away takes the key with it.
process.on('disconnect', () => {
  bridge?.destroy();
  process.exit(0);
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changePin } from '../../../src/usecases/pin.js';
import { createKeyService, type KeyService } from '../../../src/usecases/key-service.js';
import type { KeyEvent } from '../../../src/usecases/types.js';
import { MARKER_PIN, MARKER_PIN_2, Rig, errorOf, outcomeOf, until, withCtap2 } from './helpers.js';

describe('demo mode', () => {
  let dir: string;
  let services: KeyService[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'skm-demo-'));
  });
  afterEach(async () => {
    for (const s of services) await s.close();
    services = [];
    rmSync(dir, { recursive: true, force: true });
  });
  const make = (enabled = true) => {
    const s = createKeyService({ usb: false, demo: { stateFile: join(dir, 'demo-key.json'), enabled }, pollIntervalMs: 50, reset: { unplugPollMs: 20, replugPollMs: 20 } });
    services.push(s);
    return s;
  };

  it('lists the demo key only while demo mode is on; touches come from demoTouch / demoRefuse', async () => {
    const s = make(false);
    const events: KeyEvent[] = [];
    s.onEvent((e) => events.push(e));
    expect(await s.listKeys()).toEqual([]);
    expect((await s.getAppState()).demoMode).toBe(false);
    expect(await outcomeOf(s.demoTouch())).toBe('INVALID_STATE');
    await s.setDemoMode(true);
    const keys = await s.listKeys();
    expect(keys).toHaveLength(1);
    expect(keys[0]!.isDemo).toBe(true);
    expect((await s.getAppState()).demoMode).toBe(true);
    const id = keys[0]!.id;

    let p = s.touchTest(id);
    await until(() => events.some((e) => e.type === 'demo-touch-wait' && e.waiting), 2_000, 'demo wait');
    await s.demoTouch();
    expect(await p).toEqual({ outcome: 'touched' });
    p = s.touchTest(id);
    await until(() => events.filter((e) => e.type === 'demo-touch-wait' && e.waiting).length >= 2, 2_000);
    await s.demoRefuse();
    expect(await outcomeOf(p)).toBe('TOUCH_REFUSED');

    await s.demoUnplug();
    expect(await s.listKeys()).toEqual([]);
    await s.demoPlug();
    expect((await s.listKeys()).map((k) => k.id)).toEqual([id]);

    await s.setDemoMode(false);
    expect(await s.listKeys()).toEqual([]);
    expect(await outcomeOf(s.demoTouch())).toBe('INVALID_STATE');
  });

  it('keeps the demo PIN in the state file between runs', async () => {
    const a = make();
    const [key] = await a.listKeys();
    await a.setPin(key!.id, MARKER_PIN, MARKER_PIN);
    await a.close();
    const b = make();
    const [again] = await b.listKeys();
    expect((await b.getKeyInfo(again!.id)).pin.isSet).toBe(true);
  });

  it('the reset wizard runs on the demo key with demoUnplug / demoPlug / demoTouch', async () => {
    const s = make();
    const statuses: string[] = [];
    s.onEvent((e) => {
      if (e.type === 'reset-status') statuses.push(e.status.phase);
    });
    const [key] = await s.listKeys();
    await s.setPin(key!.id, MARKER_PIN, MARKER_PIN);
    const prep = await s.prepareReset(key!.id);
    const run = s.startReset(key!.id, { confirmationToken: prep.confirmationToken, understandsLoss: true, hasBackupSignIn: true });
    await until(() => statuses.includes('unplug'), 2_000);
    await s.demoUnplug();
    await until(() => statuses.includes('replug'), 2_000);
    await s.demoPlug();
    await until(() => statuses.includes('touch'), 2_000);
    // The touch request may not have reached the key yet; retry the touch until the reset is done.
    for (let i = 0; i < 100 && (await s.getResetStatus()).phase === 'touch'; i++) {
      await s.demoTouch();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect((await run).phase).toBe('done');
    expect((await s.getKeyInfo(key!.id)).pin.isSet).toBe(false);
  });
});

describe('simulator', () => {
  it('is an in-process key that approves touches by itself', async () => {
    const s = createKeyService({ usb: false, simulator: true });
    try {
      const keys = await s.listKeys();
      expect(keys).toHaveLength(1);
      expect(keys[0]!.isDemo).toBe(false);
      expect(await s.touchTest(keys[0]!.id)).toEqual({ outcome: 'touched' });
      await s.setPin(keys[0]!.id, MARKER_PIN, MARKER_PIN);
      expect((await s.getKeyInfo(keys[0]!.id)).pin.isSet).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('can be a CTAP 2.0 key', async () => {
    const s = createKeyService({ usb: false, simulator: { profile: 'ctap20' } });
    try {
      const [k] = await s.listKeys();
      const info = await s.getKeyInfo(k!.id);
      expect(info.ctapVersions).not.toContain('FIDO_2_1');
      expect(info.supports.selection).toBe(false);
    } finally {
      await s.close();
    }
  });
});

describe('organisation profile and external links through the service', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'skm-org-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the default NHSmail profile, and an administrator file when valid', async () => {
    const s = createKeyService({ usb: false, orgProfilePath: join(dir, 'missing.json') });
    const state = await s.getOrgProfile();
    expect(state.source).toBe('default');
    expect(state.error).toMatch(/could not be read/);
    expect(state.profile.portalUrl).toBe('https://portal.nhs.net');
    await s.close();

    const file = join(dir, 'org.json');
    writeFileSync(
      file,
      JSON.stringify({
        id: 'acme',
        organisationName: 'Acme Health',
        portalName: 'Acme portal',
        portalUrl: 'https://id.acme.example',
        supportContact: 'the Acme service desk',
        allowedHosts: ['id.acme.example'],
        links: [],
      }),
    );
    const t = createKeyService({ usb: false, orgProfilePath: file });
    expect((await t.getOrgProfile()).profile.organisationName).toBe('Acme Health');
    expect(await outcomeOf(t.openExternal('https://portal.nhs.net'))).toBe('INVALID_ARGUMENT');
    expect(await outcomeOf(t.openExternal('https://id.acme.example/help'))).toBe('NOT_SUPPORTED');
    await t.close();
  });
});

describe('service plumbing', () => {
  let rig: Rig;
  afterEach(async () => rig.close());

  it('reopens a key after it was unplugged and plugged back', async () => {
    rig = new Rig();
    const { key, path } = rig.addKey('a');
    const s = rig.start();
    expect((await s.getKeyInfo(path)).kind).toBe('fido2');
    key.unplug();
    key.plug();
    // The old channel is gone; the first call may fail with KEY_DISCONNECTED, the next one reopens.
    const first = await outcomeOf(s.getKeyInfo(path));
    expect(['resolved', 'KEY_DISCONNECTED']).toContain(first);
    expect((await s.getKeyInfo(path)).kind).toBe('fido2');
  });

  it('close() cancels what runs and refuses later calls', async () => {
    rig = new Rig();
    const { presence, path } = rig.addKey('a', { policy: { kind: 'manual' } });
    const s = rig.start();
    const p = s.touchTest(path);
    await until(() => presence.waiting, 2_000);
    const outcome = outcomeOf(p);
    await s.close();
    expect(await outcome).toBe('CANCELLED');
    expect(await outcomeOf(s.getKeyInfo(path))).toBe('INVALID_STATE');
  });

  it('the key refusing a new PIN (PIN_POLICY_VIOLATION) is PIN_REFUSED', async () => {
    rig = new Rig();
    const { key, path } = rig.addKey('a');
    const s = rig.start();
    await s.setPin(path, MARKER_PIN, MARKER_PIN);
    await s.updateSettings(path, MARKER_PIN, { minPINLength: 12 });
    // A key whose getInfo does not show its policy: the client's check passes, the key refuses.
    const e = await withCtap2(key, async (ctap2) => {
      const real = ctap2.refreshInfo.bind(ctap2);
      ctap2.refreshInfo = async (o) => {
        const info = await real(o);
        info.minPINLength = 4;
        return info;
      };
      return errorOf(changePin(ctap2, MARKER_PIN, 'abcdefgh', 'abcdefgh'));
    });
    expect(e.outcome).toBe('PIN_REFUSED');
    expect(e.details.ctapStatusName).toBe('CTAP2_ERR_PIN_POLICY_VIOLATION');
    expect(key.snapshot().pinRetries).toBe(8);
    void MARKER_PIN_2;
  });
});

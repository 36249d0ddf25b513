import { createHash, createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeCbor } from '../../../src/cbor.js';
import { Cmd, Host, PinHost, Perm, S } from './host.js';

const sha = (s: string) => new Uint8Array(createHash('sha256').update(s).digest());
const ES256 = [new Map<string, unknown>([['alg', -7], ['type', 'public-key']])];

async function withPin() {
  const h = Host.create();
  const cid = await h.init();
  const pin = new PinHost(h, cid);
  await pin.setPin('1234');
  return { h, cid, pin };
}

async function makeRk(h: Host, pin: PinHost, cid: number, rpId: string, user: string) {
  const cdh = sha(`mc ${user}`);
  const { token } = await pin.token('1234', Perm.MC, rpId);
  return h.cbor(
    cid,
    Cmd.MC,
    new Map<unknown, unknown>([
      [1, cdh],
      [2, new Map([['id', rpId]])],
      [3, new Map<string, unknown>([['id', new TextEncoder().encode(user)], ['name', `${user}@${rpId}`], ['displayName', user]])],
      [4, ES256],
      [7, new Map([['rk', true]])],
      [8, pin.auth(token!, cdh)],
      [9, 2],
    ]),
  );
}

function publicKeyOf(authData: Uint8Array) {
  const idLen = (authData[53]! << 8) | authData[54]!;
  const credentialId = authData.slice(55, 55 + idLen);
  const cose = authData.subarray(55 + idLen);
  // x and y are the last two 32-byte strings of the canonical COSE map
  const x = cose.subarray(cose.length - 32 - 3 - 32, cose.length - 3 - 32);
  const y = cose.subarray(cose.length - 32);
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: Buffer.from(x).toString('base64url'), y: Buffer.from(y).toString('base64url') }, format: 'jwk' });
  return { credentialId, key };
}

describe('makeCredential and getAssertion (§6.1, §6.2)', () => {
  it('makes a discoverable ES256 credential with valid self attestation and signs with it', async () => {
    const { h, cid, pin } = await withPin();
    const r = await makeRk(h, pin, cid, 'example.org', 'alice');
    expect(r.status).toBe(S.OK);
    expect(r.body!.get(1)).toBe('packed');
    const authData = r.body!.get(2) as Uint8Array;
    expect(Buffer.from(authData.subarray(0, 32)).equals(Buffer.from(sha('example.org')))).toBe(true);
    expect(authData[32]).toBe(0x45); // UP | UV | AT
    const { credentialId, key } = publicKeyOf(authData);
    const stmt = r.body!.get(3) as Map<string, unknown>;
    expect(stmt.get('alg')).toBe(-7);
    expect(verify('sha256', Buffer.concat([authData, sha('mc alice')]), key, stmt.get('sig') as Uint8Array)).toBe(true);
    expect(h.key.snapshot().credentials).toEqual([
      { rpId: 'example.org', userName: 'alice@example.org', userDisplayName: 'alice', credentialId },
    ]);

    const cdh = sha('ga');
    const ga = await h.cbor(cid, Cmd.GA, new Map<unknown, unknown>([[1, 'example.org'], [2, cdh]]));
    expect(ga.status).toBe(S.OK);
    const gaAuth = ga.body!.get(2) as Uint8Array;
    expect(gaAuth[32]).toBe(0x01); // UP only, no PIN token
    expect(verify('sha256', Buffer.concat([gaAuth, cdh]), key, ga.body!.get(3) as Uint8Array)).toBe(true);
    // without user verification only the user id is returned
    expect(ga.body!.get(4)).toEqual(new Map([['id', new TextEncoder().encode('alice')]]));
  });

  it('requires a token for discoverable credentials once a PIN is set, and spends mc after use', async () => {
    const { h, cid, pin } = await withPin();
    const base = new Map<unknown, unknown>([
      [1, sha('x')],
      [2, new Map([['id', 'example.org']])],
      [3, new Map<string, unknown>([['id', Uint8Array.of(1)]])],
      [4, ES256],
      [7, new Map([['rk', true]])],
    ]);
    expect((await h.cbor(cid, Cmd.MC, base)).status).toBe(S.PUAT_REQUIRED);
    // non-discoverable without UV is fine (makeCredUvNotRqd)
    const nonRk = new Map(base);
    nonRk.delete(7);
    expect((await h.cbor(cid, Cmd.MC, nonRk)).status).toBe(S.OK);
    const { token } = await pin.token('1234', Perm.MC, 'example.org');
    const withToken = new Map(base).set(8, pin.auth(token!, sha('x'))).set(9, 2);
    expect((await h.cbor(cid, Cmd.MC, withToken)).status).toBe(S.OK);
    expect((await h.cbor(cid, Cmd.MC, withToken)).status).toBe(S.PIN_AUTH_INVALID);
  });

  it('binds the token to its RP ID and checks the permission', async () => {
    const { h, cid, pin } = await withPin();
    const { token } = await pin.token('1234', Perm.MC, 'example.org');
    const mc = (rp: string) =>
      new Map<unknown, unknown>([
        [1, sha('x')],
        [2, new Map([['id', rp]])],
        [3, new Map<string, unknown>([['id', Uint8Array.of(1)]])],
        [4, ES256],
        [8, pin.auth(token!, sha('x'))],
        [9, 2],
      ]);
    expect((await h.cbor(cid, Cmd.MC, mc('evil.example'))).status).toBe(S.PIN_AUTH_INVALID);
    const ga = await h.cbor(cid, Cmd.GA, new Map<unknown, unknown>([[1, 'example.org'], [2, sha('x')], [6, pin.auth(token!, sha('x'))], [7, 2]]));
    expect(ga.status).toBe(S.PIN_AUTH_INVALID); // token has mc, not ga
    expect((await h.cbor(cid, Cmd.MC, mc('example.org'))).status).toBe(S.OK);
  });

  it('signs with non-discoverable credentials from allowList, and NO_CREDENTIALS otherwise', async () => {
    const h = Host.create();
    const cid = await h.init();
    const r = await h.cbor(
      cid,
      Cmd.MC,
      new Map<unknown, unknown>([[1, sha('a')], [2, new Map([['id', 'a.example']])], [3, new Map([['id', Uint8Array.of(9)]])], [4, ES256]]),
    );
    const { credentialId, key } = publicKeyOf(r.body!.get(2) as Uint8Array);
    expect(h.key.snapshot().credentials).toEqual([]);
    const allow = [new Map<string, unknown>([['id', credentialId], ['type', 'public-key']])];
    const ga = await h.cbor(cid, Cmd.GA, new Map<unknown, unknown>([[1, 'a.example'], [2, sha('c')], [3, allow]]));
    expect(ga.status).toBe(S.OK);
    expect(verify('sha256', Buffer.concat([ga.body!.get(2) as Uint8Array, sha('c')]), key, ga.body!.get(3) as Uint8Array)).toBe(true);
    // the same id is not valid for another RP
    expect((await h.cbor(cid, Cmd.GA, new Map<unknown, unknown>([[1, 'b.example'], [2, sha('c')], [3, allow]]))).status).toBe(S.NO_CREDENTIALS);
    expect((await h.cbor(cid, Cmd.GA, new Map<unknown, unknown>([[1, 'a.example'], [2, sha('c')]]))).status).toBe(S.NO_CREDENTIALS);
    // excludeList hit
    const excluded = await h.cbor(
      cid,
      Cmd.MC,
      new Map<unknown, unknown>([[1, sha('a')], [2, new Map([['id', 'a.example']])], [3, new Map([['id', Uint8Array.of(9)]])], [4, ES256], [5, allow]]),
    );
    expect(excluded.status).toBe(S.CREDENTIAL_EXCLUDED);
  });

  it('rejects unsupported algorithms and options, and missing parameters', async () => {
    const h = Host.create();
    const cid = await h.init();
    const rs256 = [new Map<string, unknown>([['alg', -257], ['type', 'public-key']])];
    const mc = (extra: [number, unknown][]) =>
      new Map<unknown, unknown>([[1, sha('a')], [2, new Map([['id', 'a']])], [3, new Map([['id', Uint8Array.of(1)]])], [4, ES256], ...extra]);
    expect((await h.cbor(cid, Cmd.MC, mc([[4, rs256]]))).status).toBe(S.UNSUPPORTED_ALGORITHM);
    expect((await h.cbor(cid, Cmd.MC, mc([[7, new Map([['up', false]])]]))).status).toBe(S.INVALID_OPTION);
    expect((await h.cbor(cid, Cmd.MC, mc([[7, new Map([['uv', true]])]]))).status).toBe(S.INVALID_OPTION);
    expect((await h.cbor(cid, Cmd.MC, new Map<unknown, unknown>([[1, sha('a')]]))).status).toBe(S.MISSING_PARAMETER);
    expect((await h.cbor(cid, Cmd.GA, new Map<unknown, unknown>([[1, 'a'], [2, sha('a')], [5, new Map([['rk', true]])]]))).status).toBe(
      S.UNSUPPORTED_OPTION,
    );
    expect((await h.cbor(cid, 0x41)).status).toBe(S.INVALID_COMMAND);
    // malformed CBOR: INVALID_CBOR; well-formed CBOR that is not a map: CBOR_UNEXPECTED_TYPE
    h.send(cid, 0x90, Uint8Array.of(Cmd.MC, 0xa1, 0x01)); // a map cut short
    expect([...(await h.message(cid)).payload]).toEqual([0x12]);
    h.send(cid, 0x90, Uint8Array.of(Cmd.MC, 0x01));
    expect([...(await h.message(cid)).payload]).toEqual([0x11]);
  });

  it('fills up to its capacity then answers KEY_STORE_FULL', async () => {
    const profile = { ...(await import('../../../src/authenticator/index.js')).profiles.ctap21, capacity: 2 };
    const h = Host.create({ profile });
    const cid = await h.init();
    const mc = (user: number) =>
      new Map<unknown, unknown>([[1, sha('a')], [2, new Map([['id', 'a']])], [3, new Map([['id', Uint8Array.of(user)]])], [4, ES256], [7, new Map([['rk', true]])]]);
    expect((await h.cbor(cid, Cmd.MC, mc(1))).status).toBe(S.OK);
    expect((await h.cbor(cid, Cmd.MC, mc(2))).status).toBe(S.OK);
    expect((await h.cbor(cid, Cmd.MC, mc(1))).status).toBe(S.OK); // replaces, not adds
    expect((await h.cbor(cid, Cmd.MC, mc(3))).status).toBe(S.KEY_STORE_FULL);
    const info = await h.cbor(cid, Cmd.INFO);
    expect(info.body!.get(0x14)).toBe(0);
  });

  it('returns several discoverable credentials through getNextAssertion, newest first', async () => {
    const { h, cid, pin } = await withPin();
    await makeRk(h, pin, cid, 'example.org', 'alice');
    await makeRk(h, pin, cid, 'example.org', 'bob');
    const { token } = await pin.token('1234', Perm.GA, 'example.org');
    const cdh = sha('many');
    const ga = await h.cbor(cid, Cmd.GA, new Map<unknown, unknown>([[1, 'example.org'], [2, cdh], [6, pin.auth(token!, cdh)], [7, 2]]));
    expect(ga.body!.get(5)).toBe(2);
    expect((ga.body!.get(4) as Map<string, unknown>).get('name')).toBe('bob@example.org');
    const next = await h.cbor(cid, Cmd.NEXT);
    expect(next.status).toBe(S.OK);
    expect((next.body!.get(4) as Map<string, unknown>).get('name')).toBe('alice@example.org');
    expect((await h.cbor(cid, Cmd.NEXT)).status).toBe(S.NOT_ALLOWED);
  });
});

describe('credentialManagement (§6.8)', () => {
  const cmReq = (pin: PinHost, token: Uint8Array, sub: number, params?: Map<unknown, unknown>) => {
    const enc = params ? encodeCbor(params as never) : new Uint8Array(0);
    const m = new Map<unknown, unknown>([[1, sub], [3, pin.protocol.version], [4, pin.auth(token, new Uint8Array([sub, ...enc]))]]);
    if (params) m.set(2, params);
    return m;
  };

  it('enumerates RPs and credentials, updates and deletes, with a cm token', async () => {
    const { h, cid, pin } = await withPin();
    await makeRk(h, pin, cid, 'example.org', 'alice');
    await makeRk(h, pin, cid, 'example.org', 'bob');
    await makeRk(h, pin, cid, 'other.example', 'carol');
    const { token } = await pin.token('1234', Perm.CM);
    const meta = await h.cbor(cid, Cmd.CM, cmReq(pin, token!, 1));
    expect([meta.body!.get(1), meta.body!.get(2)]).toEqual([3, 22]);
    const rp1 = await h.cbor(cid, Cmd.CM, cmReq(pin, token!, 2));
    expect(rp1.body!.get(5)).toBe(2);
    expect((rp1.body!.get(3) as Map<string, string>).get('id')).toBe('example.org');
    const rp2 = await h.cbor(cid, Cmd.CM, new Map([[1, 3]]));
    expect((rp2.body!.get(3) as Map<string, string>).get('id')).toBe('other.example');
    expect((await h.cbor(cid, Cmd.CM, new Map([[1, 3]]))).status).toBe(S.NOT_ALLOWED);

    const c1 = await h.cbor(cid, Cmd.CM, cmReq(pin, token!, 4, new Map([[1, sha('example.org')]])));
    expect(c1.body!.get(9)).toBe(2);
    const c2 = await h.cbor(cid, Cmd.CM, new Map([[1, 5]]));
    const names = [c1, c2].map((c) => (c.body!.get(6) as Map<string, unknown>).get('name'));
    expect(names).toEqual(['alice@example.org', 'bob@example.org']);

    const bobId = c2.body!.get(7) as Map<string, unknown>;
    const upd = new Map<unknown, unknown>([[2, bobId], [3, new Map<string, unknown>([['id', new TextEncoder().encode('bob')], ['name', 'robert']])]]);
    expect((await h.cbor(cid, Cmd.CM, cmReq(pin, token!, 7, upd))).status).toBe(S.OK);
    expect(h.key.snapshot().credentials.find((c) => c.userName === 'robert')?.userDisplayName).toBeUndefined();
    const wrongUser = new Map<unknown, unknown>([[2, bobId], [3, new Map<string, unknown>([['id', Uint8Array.of(0)]])]]);
    expect((await h.cbor(cid, Cmd.CM, cmReq(pin, token!, 7, wrongUser))).status).toBe(S.INVALID_PARAMETER);

    expect((await h.cbor(cid, Cmd.CM, cmReq(pin, token!, 6, new Map([[2, bobId]])))).status).toBe(S.OK);
    expect((await h.cbor(cid, Cmd.CM, cmReq(pin, token!, 6, new Map([[2, bobId]])))).status).toBe(S.NO_CREDENTIALS);
    expect(h.key.snapshot().credentials.map((c) => c.userName).sort()).toEqual(['alice@example.org', 'carol@other.example']);
  });

  it('checks pinUvAuthParam, the cm permission and the token RP ID', async () => {
    const { h, cid, pin } = await withPin();
    await makeRk(h, pin, cid, 'example.org', 'alice');
    await makeRk(h, pin, cid, 'other.example', 'carol');
    expect((await h.cbor(cid, Cmd.CM, new Map([[1, 1]]))).status).toBe(S.PUAT_REQUIRED);
    const ga = (await pin.token('1234', Perm.GA, 'example.org')).token!;
    expect((await h.cbor(cid, Cmd.CM, cmReq(pin, ga, 1))).status).toBe(S.PIN_AUTH_INVALID);
    const bound = (await pin.token('1234', Perm.CM, 'example.org')).token!;
    expect((await h.cbor(cid, Cmd.CM, cmReq(pin, bound, 1))).status).toBe(S.PIN_AUTH_INVALID);
    expect((await h.cbor(cid, Cmd.CM, cmReq(pin, bound, 2))).status).toBe(S.PIN_AUTH_INVALID);
    expect((await h.cbor(cid, Cmd.CM, cmReq(pin, bound, 4, new Map([[1, sha('other.example')]])))).status).toBe(S.PIN_AUTH_INVALID);
    const own = await h.cbor(cid, Cmd.CM, cmReq(pin, bound, 4, new Map([[1, sha('example.org')]])));
    expect(own.status).toBe(S.OK);
    const unbound = (await pin.token('1234', Perm.CM)).token!;
    const bad = cmReq(pin, unbound, 1);
    bad.set(4, new Uint8Array(32));
    expect((await h.cbor(cid, Cmd.CM, bad)).status).toBe(S.PIN_AUTH_INVALID);
    expect((await h.cbor(cid, Cmd.CM, cmReq(pin, unbound, 0x20))).status).toBe(S.INVALID_SUBCOMMAND);
  });
});

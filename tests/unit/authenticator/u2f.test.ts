import { createHash, createPublicKey, verify, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CtapHidCmd } from '../../../src/ctaphid/framing.js';
import { Host } from './host.js';

const sha = (s: string) => new Uint8Array(createHash('sha256').update(s).digest());

function apdu(ins: number, p1: number, data: Uint8Array): Uint8Array {
  return new Uint8Array([0, ins, p1, 0, 0, data.length >> 8, data.length & 0xff, ...data, 0, 0]);
}

async function msg(h: Host, cid: number, req: Uint8Array): Promise<{ sw: number; data: Uint8Array }> {
  h.send(cid, CtapHidCmd.MSG, req);
  const p = (await h.message(cid)).payload;
  return { sw: (p[p.length - 2]! << 8) | p[p.length - 1]!, data: p.subarray(0, p.length - 2) };
}

describe('U2F over CTAPHID_MSG', () => {
  it('registers with a verifiable self-signed attestation and authenticates', async () => {
    const h = Host.create({ profile: 'u2f' });
    const cid = await h.init();
    const app = sha('https://example.org');
    const challenge = sha('challenge');
    const reg = await msg(h, cid, apdu(1, 3, new Uint8Array([...challenge, ...app])));
    expect(reg.sw).toBe(0x9000);
    const d = reg.data;
    expect(d[0]).toBe(0x05);
    const publicKey = d.subarray(1, 66);
    const khLen = d[66]!;
    const keyHandle = d.slice(67, 67 + khLen);
    const certLen = ((d[67 + khLen + 2]! << 8) | d[67 + khLen + 3]!) + 4;
    const certDer = d.subarray(67 + khLen, 67 + khLen + certLen);
    const signature = d.subarray(67 + khLen + certLen);
    const cert = new X509Certificate(certDer);
    expect(cert.verify(cert.publicKey)).toBe(true);
    const signed = new Uint8Array([0, ...app, ...challenge, ...keyHandle, ...publicKey]);
    expect(verify('sha256', signed, cert.publicKey, signature)).toBe(true);

    const auth = await msg(h, cid, apdu(2, 3, new Uint8Array([...challenge, ...app, khLen, ...keyHandle])));
    expect(auth.sw).toBe(0x9000);
    expect(auth.data[0]).toBe(1);
    const userKey = createPublicKey({ key: Buffer.concat([Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex'), publicKey]), format: 'der', type: 'spki' });
    const authSigned = new Uint8Array([...app, ...auth.data.subarray(0, 5), ...challenge]);
    expect(verify('sha256', authSigned, userKey, auth.data.subarray(5))).toBe(true);

    expect((await msg(h, cid, apdu(2, 7, new Uint8Array([...challenge, ...app, khLen, ...keyHandle])))).sw).toBe(0x6985);
    expect((await msg(h, cid, apdu(2, 7, new Uint8Array([...challenge, ...sha('x'), khLen, ...keyHandle])))).sw).toBe(0x6a80);
  });

  it('answers CONDITIONS_NOT_SATISFIED until the user touches, then accepts the retry', async () => {
    const h = Host.create({ profile: 'u2f', presence: { kind: 'manual' } });
    const cid = await h.init();
    const req = apdu(1, 3, new Uint8Array(64));
    expect((await msg(h, cid, req)).sw).toBe(0x6985);
    expect(h.key.presence.waiting).toBe(true);
    expect((await msg(h, cid, req)).sw).toBe(0x6985);
    h.key.presence.touch();
    await new Promise((r) => setTimeout(r, 0));
    expect((await msg(h, cid, req)).sw).toBe(0x9000);
    expect((await msg(h, cid, req)).sw).toBe(0x6985); // the touch is used up
  });
});

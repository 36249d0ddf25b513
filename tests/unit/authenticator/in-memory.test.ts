import { describe, expect, it } from 'vitest';
import { SoftwareAuthenticator } from '../../../src/authenticator/index.js';
import { BROADCAST_CID, CtapHidCmd, MessageAssembler, fragment, parseInitResponse } from '../../../src/ctaphid/framing.js';
import { InMemoryProvider } from '../../../src/transport/in-memory.js';

describe('the software key behind the in-memory transport', () => {
  it('is listed while plugged in, answers INIT, and disconnects readers on unplug', async () => {
    const key = new SoftwareAuthenticator();
    const provider = new InMemoryProvider();
    const path = provider.add({
      device: key,
      descriptor: { name: 'k1', vendorId: key.profile.vendorId, productId: key.profile.productId, product: key.profile.product },
    });
    expect((await provider.list()).map((d) => d.path)).toEqual([path]);
    const conn = await provider.open(path);
    for (const r of fragment(BROADCAST_CID, CtapHidCmd.INIT, new Uint8Array(8).fill(3))) await conn.write(r);
    const asm = new MessageAssembler(BROADCAST_CID);
    const m = asm.push(await conn.read(1000));
    expect(m && m !== 'ignored' ? parseInitResponse(m.payload).nonce : undefined).toEqual(new Uint8Array(8).fill(3));
    const pending = conn.read(1000);
    key.unplug();
    await expect(pending).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(await provider.list()).toEqual([]);
    key.plug();
    expect(await provider.list()).toHaveLength(1);
  });
});

/**
 * Registers a discoverable credential (passkey) on a key served over HID-over-UDP, through the
 * engine directly (CTAP 2.1 §6.1 makeCredential with rk=true and a pinUvAuthToken with the mc
 * permission), so the CLI's credentials commands have something to list and delete.
 */
import { randomBytes } from 'node:crypto';
import { ClientPin, Ctap2, CtapHidDevice, Permission, makeCredential, openUdpConnection } from '../../../src/index.js';

export async function registerPasskey(
  device: { host: string; port: number },
  hostPort: number,
  pin: string,
  rp: { id: string; name: string },
  user: { name: string; displayName: string },
): Promise<void> {
  const conn = await openUdpConnection({ device, listen: { host: '127.0.0.1', port: hostPort } });
  const dev = await CtapHidDevice.open(conn);
  try {
    const ctap2 = await Ctap2.open(dev);
    const token = await new ClientPin(ctap2).getToken(pin, Permission.MC, rp.id);
    const clientDataHash = new Uint8Array(randomBytes(32));
    await makeCredential(ctap2, {
      clientDataHash,
      rp,
      user: { id: new Uint8Array(randomBytes(16)), ...user },
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
      options: { rk: true },
      pinUvAuthParam: token.authenticate(clientDataHash),
      pinUvAuthProtocol: token.protocol.version,
    });
    token.destroy();
  } finally {
    await dev.close();
    await conn.close();
  }
}

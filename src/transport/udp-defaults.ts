/**
 * HID-over-UDP addresses by the convention of open-source authenticator simulators (SoloKeys,
 * CanoKey): the key listens on 127.0.0.1:8111 and sends to the host at 127.0.0.1:7112. Kept free
 * of imports so the CLI's argument parser can use them without loading a socket.
 */
export interface UdpAddress {
  host: string;
  port: number;
}

/** Where a simulated key listens. */
export const DEFAULT_UDP_DEVICE: UdpAddress = { host: '127.0.0.1', port: 8111 };
/** Where the host listens for the key's reports. */
export const DEFAULT_UDP_LISTEN: UdpAddress = { host: '127.0.0.1', port: 7112 };

export function sameUdpAddress(a: UdpAddress, b: UdpAddress): boolean {
  return a.host === b.host && a.port === b.port;
}

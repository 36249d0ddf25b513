/**
 * HOST:PORT parsing for the HID-over-UDP options (--udp, --udp-listen, --listen, --peer).
 * IPv6 hosts are written in brackets: [::1]:8111.
 */
import { isIP } from 'node:net';
import type { UdpAddress } from '../transport/udp-defaults.js';
import { UsageError } from './usage-error.js';

export type { UdpAddress };

const HOSTNAME = /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,62})(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,62}))*$/;

/**
 * Parse HOST:PORT. `allowAnyPort` admits port 0 (let the system choose), which only makes sense
 * for an address we listen on.
 */
export function parseUdpAddress(text: string, option: string, allowAnyPort = false): UdpAddress {
  const bad = (why: string) => new UsageError(`${option} expects HOST:PORT (for example 127.0.0.1:8111): ${why}`);
  let host: string;
  let portText: string;
  const v6 = /^\[([^\]]+)\]:(.*)$/.exec(text);
  if (v6) {
    host = v6[1]!;
    portText = v6[2]!;
    if (isIP(host) !== 6) throw bad(`"${host}" is not an IPv6 address`);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon <= 0) throw bad(`"${text}" has no port`);
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (host.includes(':')) throw bad('write IPv6 addresses in brackets, e.g. [::1]:8111');
    if (isIP(host) !== 4 && !HOSTNAME.test(host)) throw bad(`"${host}" is not a host name or IPv4 address`);
  }
  if (!/^\d{1,5}$/.test(portText)) throw bad(`"${portText}" is not a port number`);
  const port = Number(portText);
  if (port > 65535 || (port === 0 && !allowAnyPort)) throw bad(`port ${port} is out of range (1-65535)`);
  return { host, port };
}

export function formatUdpAddress(a: UdpAddress): string {
  return isIP(a.host) === 6 ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

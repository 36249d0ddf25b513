import { describe, expect, it } from 'vitest';
import { parseArgs, DEFAULT_UDP_LISTEN, DEFAULT_SIMULATOR_LISTEN } from '../../../src/cli/args.js';
import { parseUdpAddress } from '../../../src/cli/address.js';
import { UsageError } from '../../../src/cli/usage-error.js';

function usage(argv: string[]): UsageError {
  try {
    parseArgs(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return e as UsageError;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

describe('parseArgs', () => {
  it('parses every command with global options in any position', () => {
    expect(parseArgs(['info', '--json', '--simulator'])).toEqual({
      command: { name: 'info' },
      options: { json: true, source: { kind: 'simulator', profile: 'ctap21' } },
    });
    expect(parseArgs(['--device', 'memory:a', 'pin', 'change']).command).toEqual({ name: 'pin', action: 'change' });
    expect(parseArgs(['--device=memory:a', 'list']).options.device).toBe('memory:a');
    expect(parseArgs(['credentials', 'delete', 'AABB01']).command).toEqual({ name: 'credentials', action: 'delete', credentialId: 'aabb01' });
    expect(parseArgs(['config', 'min-pin-length', '6']).command).toEqual({ name: 'config', setting: 'min-pin-length', value: 6 });
    expect(parseArgs(['config', 'always-uv']).command).toEqual({ name: 'config', setting: 'always-uv' });
    expect(parseArgs(['reset', '--yes-i-understand-this-erases-the-key']).command).toEqual({ name: 'reset', yes: true });
    expect(parseArgs(['reset']).command).toEqual({ name: 'reset', yes: false });
    expect(parseArgs(['--simulator', '--profile', 'ctap20', 'info']).options.source).toEqual({ kind: 'simulator', profile: 'ctap20' });
  });

  it('defaults to USB and takes --udp with the default listen address', () => {
    expect(parseArgs(['list']).options.source).toEqual({ kind: 'usb' });
    expect(parseArgs(['--udp', '127.0.0.1:9000', 'info']).options.source).toEqual({
      kind: 'udp',
      device: { host: '127.0.0.1', port: 9000 },
      listen: DEFAULT_UDP_LISTEN,
    });
    expect(parseArgs(['--udp', 'localhost:9000', '--udp-listen', '[::1]:0', 'info']).options.source).toEqual({
      kind: 'udp',
      device: { host: 'localhost', port: 9000 },
      listen: { host: '::1', port: 0 },
    });
  });

  it('simulator defaults and options', () => {
    expect(parseArgs(['simulator']).command).toEqual({
      name: 'simulator',
      listen: DEFAULT_SIMULATOR_LISTEN,
      peer: DEFAULT_UDP_LISTEN,
      profile: 'ctap21',
      manualTouch: false,
    });
    expect(parseArgs(['simulator', '--listen', '127.0.0.1:0', '--peer', '127.0.0.1:9001', '--profile', 'u2f', '--state', 'k.json', '--manual-touch']).command).toEqual({
      name: 'simulator',
      listen: { host: '127.0.0.1', port: 0 },
      peer: { host: '127.0.0.1', port: 9001 },
      profile: 'u2f',
      stateFile: 'k.json',
      manualTouch: true,
    });
  });

  it('help and version win over everything', () => {
    expect(parseArgs([]).command).toEqual({ name: 'help' });
    expect(parseArgs(['--help']).command).toEqual({ name: 'help' });
    expect(parseArgs(['pin', '--help']).command).toEqual({ name: 'help', topic: 'pin' });
    expect(parseArgs(['help', 'reset']).command).toEqual({ name: 'help', topic: 'reset' });
    expect(parseArgs(['-V']).command).toEqual({ name: 'version' });
    expect(parseArgs(['info', '--version']).command).toEqual({ name: 'version' });
  });

  it.each([
    [['frobnicate'], /Unknown command "frobnicate"/],
    [['info', '--bogus'], /Unknown option "--bogus"/],
    [['pin'], /pin needs a subcommand/],
    [['pin', 'reveal'], /Unknown pin subcommand/],
    [['config', 'min-pin-length', 'six'], /whole number/],
    [['config', 'min-pin-length', '3'], /between 4 and 63/],
    [['config', 'min-pin-length', '64'], /between 4 and 63/],
    [['config', 'min-pin-length'], /needs a number/],
    [['config', 'colour'], /Unknown config setting/],
    [['credentials', 'delete', 'xyz'], /hexadecimal/],
    [['credentials', 'delete', 'abc'], /hexadecimal/],
    [['credentials', 'delete'], /needs a credential id/],
    [['credentials', 'delete', 'aa', 'bb'], /Unexpected argument "bb"/],
    [['--udp', 'nonsense', 'info'], /--udp expects HOST:PORT/],
    [['--udp', '127.0.0.1:99999', 'info'], /out of range/],
    [['--udp', '127.0.0.1:0', 'info'], /out of range/],
    [['--udp', '::1:8111', 'info'], /brackets/],
    [['--udp', 'bad host:1', 'info'], /not a host name/],
    [['--udp-listen', '127.0.0.1:7000', 'info'], /only makes sense with --udp/],
    [['--simulator', '--udp', '127.0.0.1:1', 'info'], /Choose one/],
    [['--profile', 'ctap21', 'info'], /only makes sense with --simulator/],
    [['--simulator', '--profile', 'ctap99', 'info'], /--profile must be one of/],
    [['info', '--device'], /needs a value/],
    [['info', '--json=yes'], /takes no value/],
    [['info', '--json', '--json'], /given twice/],
    [['info', '--listen', '127.0.0.1:1'], /does not apply to "info"/],
    [['simulator', '--device', 'x'], /does not apply to "simulator"/],
    [['list', '--yes-i-understand-this-erases-the-key'], /does not apply to "list"/],
    [['info', 'extra'], /Unexpected argument "extra"/],
    [['help', 'nope'], /Unknown command "nope"/],
  ])('rejects %j', (argv, message) => {
    expect(usage(argv).message).toMatch(message);
  });

  it('refuses PIN options without ever repeating their value', () => {
    for (const argv of [['pin', 'set', '--pin', 'S3cretMarker'], ['pin', 'set', '--new-pin=S3cretMarker'], ['--current-pin', 'S3cretMarker', 'pin', 'change']]) {
      const e = usage(argv);
      expect(e.message).toMatch(/never taken from the command line/);
      expect(e.message).not.toContain('S3cretMarker');
      expect(e.hint).not.toContain('S3cretMarker');
    }
  });

  it('points usage errors at the right help page', () => {
    expect(usage(['pin', 'reveal']).hint).toBe('Run "skm pin --help" for usage.');
    expect(usage(['frobnicate']).hint).toBe('Run "skm --help" for usage.');
  });
});

describe('parseUdpAddress', () => {
  it('accepts IPv4, host names and bracketed IPv6', () => {
    expect(parseUdpAddress('10.0.0.1:8111', '--udp')).toEqual({ host: '10.0.0.1', port: 8111 });
    expect(parseUdpAddress('key-host.example:1', '--udp')).toEqual({ host: 'key-host.example', port: 1 });
    expect(parseUdpAddress('[fe80::1]:65535', '--udp')).toEqual({ host: 'fe80::1', port: 65535 });
  });
  it('allows port 0 only where asked', () => {
    expect(parseUdpAddress('127.0.0.1:0', '--listen', true).port).toBe(0);
    expect(() => parseUdpAddress('127.0.0.1:0', '--udp')).toThrow(UsageError);
  });
  it.each(['', ':80', '127.0.0.1', '127.0.0.1:', '127.0.0.1:-1', '127.0.0.1:8x', '[nothex]:1', '[::1]8111'])('rejects %j', (text) => {
    expect(() => parseUdpAddress(text, '--udp')).toThrow(UsageError);
  });
});

/**
 * Command-line parsing for `skm`: turns argv into one typed Invocation, or throws UsageError.
 * Everything is validated here, before a key service exists, so bad input never reaches a key.
 * No PIN is ever accepted from the command line (see prompt.ts).
 */
import { parseUdpAddress, type UdpAddress } from './address.js';
import { UsageError } from './usage-error.js';
import { DEFAULT_UDP_DEVICE, DEFAULT_UDP_LISTEN } from '../transport/udp-defaults.js';

export type SimulatorProfile = 'ctap21' | 'ctap20' | 'u2f';
export const SIMULATOR_PROFILES: readonly SimulatorProfile[] = ['ctap21', 'ctap20', 'u2f'];

export { DEFAULT_UDP_LISTEN };
/** `skm simulator` listens where hosts expect a simulated key. */
export const DEFAULT_SIMULATOR_LISTEN: UdpAddress = DEFAULT_UDP_DEVICE;

/** Where keys come from: USB (default), one HID-over-UDP address, or an in-process software key. */
export type KeySource =
  | { kind: 'usb' }
  | { kind: 'udp'; device: UdpAddress; listen: UdpAddress }
  | { kind: 'simulator'; profile: SimulatorProfile };

export interface GlobalOptions {
  json: boolean;
  /** --device PATH: the key's id as `skm list` shows it. */
  device?: string;
  source: KeySource;
}

/** Every `skm` command as parsed and validated. */
export type Command =
  | { name: 'help'; topic?: string }
  | { name: 'version' }
  | { name: 'list' }
  | { name: 'info' }
  | { name: 'pin'; action: 'status' | 'set' | 'change' }
  | { name: 'touch' }
  | { name: 'wink' }
  | { name: 'reset'; yes: boolean }
  | { name: 'credentials'; action: 'list' }
  | { name: 'credentials'; action: 'delete'; credentialId: string }
  | { name: 'config'; setting: 'min-pin-length'; value: number }
  | { name: 'config'; setting: 'force-pin-change' | 'always-uv' }
  | { name: 'doctor' }
  | {
      name: 'simulator';
      listen: UdpAddress;
      peer: UdpAddress;
      profile: SimulatorProfile;
      stateFile?: string;
      manualTouch: boolean;
    };


export interface Invocation {
  command: Command;
  options: GlobalOptions;
}

export const COMMAND_NAMES = [
  'list',
  'info',
  'pin',
  'touch',
  'wink',
  'reset',
  'credentials',
  'config',
  'doctor',
  'simulator',
  'help',
  'version',
] as const;

type OptionKind = 'flag' | 'value';
interface OptionSpec {
  kind: OptionKind;
  /** Commands the option applies to; undefined = every command. */
  only?: readonly string[];
}

const KEY_COMMANDS = ['list', 'info', 'pin', 'touch', 'wink', 'reset', 'credentials', 'config', 'doctor'];

export const RESET_CONFIRM_FLAG = 'yes-i-understand-this-erases-the-key';

const OPTIONS: Record<string, OptionSpec> = {
  help: { kind: 'flag' },
  version: { kind: 'flag' },
  json: { kind: 'flag' },
  device: { kind: 'value', only: KEY_COMMANDS },
  udp: { kind: 'value', only: KEY_COMMANDS },
  'udp-listen': { kind: 'value', only: KEY_COMMANDS },
  simulator: { kind: 'flag', only: KEY_COMMANDS },
  profile: { kind: 'value', only: [...KEY_COMMANDS, 'simulator'] },
  listen: { kind: 'value', only: ['simulator'] },
  peer: { kind: 'value', only: ['simulator'] },
  state: { kind: 'value', only: ['simulator'] },
  'manual-touch': { kind: 'flag', only: ['simulator'] },
  [RESET_CONFIRM_FLAG]: { kind: 'flag', only: ['reset'] },
};

const SHORT: Record<string, string> = { h: 'help', V: 'version', j: 'json' };

/** Options whose value could be a secret are refused outright, with a pointer to the prompt. */
const PIN_LIKE = /^(pin|new-pin|current-pin|old-pin|password|passcode)$/;

interface RawArgs {
  positionals: string[];
  options: Map<string, string | true>;
}

function tokenize(argv: readonly string[]): RawArgs {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
    } else if (/^-[A-Za-z]$/.test(arg)) {
      const long = SHORT[arg[1]!];
      if (!long) throw new UsageError(`Unknown option "${arg}".`);
      name = long;
    } else {
      positionals.push(arg);
      continue;
    }
    if (PIN_LIKE.test(name)) {
      // Never echo the value back: it may be a PIN.
      throw new UsageError(
        `PINs are never taken from the command line. skm asks for the PIN when it needs it (or reads it from standard input).`,
      );
    }
    const spec = OPTIONS[name];
    if (!spec) throw new UsageError(`Unknown option "--${name}".`);
    if (options.has(name)) throw new UsageError(`Option "--${name}" was given twice.`);
    if (spec.kind === 'flag') {
      if (inline !== undefined) throw new UsageError(`Option "--${name}" takes no value.`);
      options.set(name, true);
    } else {
      let value = inline;
      if (value === undefined) {
        value = argv[i + 1];
        if (value === undefined || value.startsWith('--')) throw new UsageError(`Option "--${name}" needs a value.`);
        i++;
      }
      if (value === '') throw new UsageError(`Option "--${name}" needs a non-empty value.`);
      options.set(name, value);
    }
  }
  return { positionals, options };
}

function parseProfile(value: string | true | undefined): SimulatorProfile {
  if (value === undefined) return 'ctap21';
  if (typeof value === 'string' && (SIMULATOR_PROFILES as readonly string[]).includes(value)) {
    return value as SimulatorProfile;
  }
  throw new UsageError(`--profile must be one of ${SIMULATOR_PROFILES.join(', ')}.`);
}

const HEX = /^(?:[0-9a-fA-F]{2})+$/;
/** Credential ids are at most 1023 bytes (CTAP 2.1 §6.1, maxCredentialIdLength is far below). */
const MAX_CREDENTIAL_ID_BYTES = 1023;

function parseCredentialId(text: string | undefined): string {
  if (text === undefined) throw new UsageError('credentials delete needs a credential id (hex, as "skm credentials list" shows it).', 'credentials');
  const clean = text.replace(/[\s:]/g, '');
  if (!HEX.test(clean)) {
    throw new UsageError(`Credential id must be hexadecimal bytes (an even number of 0-9, a-f), as "skm credentials list" shows it.`, 'credentials');
  }
  if (clean.length / 2 > MAX_CREDENTIAL_ID_BYTES) throw new UsageError(`Credential id is longer than ${MAX_CREDENTIAL_ID_BYTES} bytes.`, 'credentials');
  return clean.toLowerCase();
}

/** CTAP 2.1 §6.11.4 setMinPINLength: at least 4 code points; at most 63 (the longest PIN that fits 63 bytes). */
export const MIN_PIN_LENGTH_RANGE = { min: 4, max: 63 } as const;

function parseMinPinLength(text: string | undefined): number {
  if (text === undefined) throw new UsageError('config min-pin-length needs a number, e.g. "skm config min-pin-length 6".', 'config');
  if (!/^\d{1,3}$/.test(text)) throw new UsageError(`min-pin-length must be a whole number, not "${text}".`, 'config');
  const n = Number(text);
  if (n < MIN_PIN_LENGTH_RANGE.min || n > MIN_PIN_LENGTH_RANGE.max) {
    throw new UsageError(`min-pin-length must be between ${MIN_PIN_LENGTH_RANGE.min} and ${MIN_PIN_LENGTH_RANGE.max}.`, 'config');
  }
  return n;
}

function expectNoMore(rest: string[], topic: string): void {
  if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}".`, topic);
}

function parseCommand(positionals: string[], options: Map<string, string | true>): Command {
  const [name, ...rest] = positionals;
  switch (name) {
    case 'list':
    case 'info':
    case 'touch':
    case 'wink':
    case 'doctor':
      expectNoMore(rest, name);
      return { name };
    case 'version':
      expectNoMore(rest, name);
      return { name };
    case 'help':
      if (rest.length > 1) throw new UsageError(`Unexpected argument "${rest[1]}".`, 'help');
      if (rest[0] !== undefined && !(COMMAND_NAMES as readonly string[]).includes(rest[0])) {
        throw new UsageError(`Unknown command "${rest[0]}".`);
      }
      return rest[0] === undefined ? { name } : { name, topic: rest[0] };
    case 'pin': {
      const [action, ...more] = rest;
      if (action !== 'status' && action !== 'set' && action !== 'change') {
        throw new UsageError(action === undefined ? 'pin needs a subcommand: status, set or change.' : `Unknown pin subcommand "${action}".`, 'pin');
      }
      expectNoMore(more, 'pin');
      return { name, action };
    }
    case 'reset':
      expectNoMore(rest, name);
      return { name, yes: options.has(RESET_CONFIRM_FLAG) };
    case 'credentials': {
      const [action, ...more] = rest;
      if (action === 'list') {
        expectNoMore(more, 'credentials');
        return { name, action };
      }
      if (action === 'delete') {
        const credentialId = parseCredentialId(more[0]);
        expectNoMore(more.slice(1), 'credentials');
        return { name, action, credentialId };
      }
      throw new UsageError(action === undefined ? 'credentials needs a subcommand: list or delete.' : `Unknown credentials subcommand "${action}".`, 'credentials');
    }
    case 'config': {
      const [setting, ...more] = rest;
      if (setting === 'min-pin-length') {
        const value = parseMinPinLength(more[0]);
        expectNoMore(more.slice(1), 'config');
        return { name, setting, value };
      }
      if (setting === 'force-pin-change' || setting === 'always-uv') {
        expectNoMore(more, 'config');
        return { name, setting };
      }
      throw new UsageError(
        setting === undefined ? 'config needs a setting: min-pin-length <n>, force-pin-change or always-uv.' : `Unknown config setting "${setting}".`,
        'config',
      );
    }
    case 'simulator': {
      expectNoMore(rest, name);
      const listen = options.get('listen');
      const peer = options.get('peer');
      const state = options.get('state');
      return {
        name,
        listen: typeof listen === 'string' ? parseUdpAddress(listen, '--listen', true) : DEFAULT_SIMULATOR_LISTEN,
        peer: typeof peer === 'string' ? parseUdpAddress(peer, '--peer') : DEFAULT_UDP_LISTEN,
        profile: parseProfile(options.get('profile')),
        ...(typeof state === 'string' ? { stateFile: state } : {}),
        manualTouch: options.has('manual-touch'),
      };
    }
    case undefined:
      return { name: 'help' };
    default:
      throw new UsageError(`Unknown command "${name}".`);
  }
}

function parseSource(options: Map<string, string | true>): KeySource {
  const udp = options.get('udp');
  const udpListen = options.get('udp-listen');
  const simulator = options.has('simulator');
  if (simulator && udp !== undefined) throw new UsageError('Choose one of --simulator and --udp.');
  if (udpListen !== undefined && udp === undefined) throw new UsageError('--udp-listen only makes sense with --udp HOST:PORT.');
  if (options.has('profile') && !simulator) throw new UsageError('--profile only makes sense with --simulator (or "skm simulator").');
  if (simulator) return { kind: 'simulator', profile: parseProfile(options.get('profile')) };
  if (typeof udp === 'string') {
    return {
      kind: 'udp',
      device: parseUdpAddress(udp, '--udp'),
      listen: typeof udpListen === 'string' ? parseUdpAddress(udpListen, '--udp-listen', true) : DEFAULT_UDP_LISTEN,
    };
  }
  return { kind: 'usb' };
}

/** Parse argv (without node and script). Throws UsageError on any mistake. */
export function parseArgs(argv: readonly string[]): Invocation {
  const { positionals, options } = tokenize(argv);
  const json = options.has('json');
  // --help and --version win over everything else so they always work.
  if (options.has('version')) return { command: { name: 'version' }, options: { json, source: { kind: 'usb' } } };
  const first = positionals[0];
  if (options.has('help')) {
    const topic = first === 'help' ? positionals[1] : first;
    if (topic !== undefined && !(COMMAND_NAMES as readonly string[]).includes(topic)) throw new UsageError(`Unknown command "${topic}".`);
    return { command: topic === undefined ? { name: 'help' } : { name: 'help', topic }, options: { json, source: { kind: 'usb' } } };
  }
  const command = parseCommand(positionals, options);
  for (const [name] of options) {
    const spec = OPTIONS[name]!;
    if (spec.only && !spec.only.includes(command.name)) {
      throw new UsageError(`Option "--${name}" does not apply to "${command.name}".`, command.name);
    }
  }
  const source = command.name === 'simulator' ? ({ kind: 'usb' } as const) : parseSource(options);
  const device = options.get('device');
  return {
    command,
    options: { json, source, ...(typeof device === 'string' ? { device } : {}) },
  };
}

/**
 * `skm simulator`: serves the software authenticator over HID-over-UDP (one 64-byte CTAPHID report
 * per datagram, CTAP 2.1 §11.2.4 report framing) until SIGINT/SIGTERM. Starts factory fresh in
 * memory unless --state FILE is given; touches are approved at once unless --manual-touch, where
 * Enter on this terminal touches the key.
 */
import type { Command } from '../args.js';
import { formatUdpAddress } from '../address.js';
import { errorInfoOf } from '../cli-error.js';
import { ExitCode, exitCodeFor, type ExitCodeValue } from '../exit-codes.js';
import type { Output } from '../output.js';
import { LineReader, type PromptInput } from '../prompt.js';
import { DEFAULT_UDP_LISTEN, sameUdpAddress } from '../../transport/udp-defaults.js';

type SimulatorCommand = Extract<Command, { name: 'simulator' }>;

export async function runSimulator(cmd: SimulatorCommand, out: Output): Promise<ExitCodeValue> {
  let server: { close(): Promise<void> } | undefined;
  let reader: LineReader | undefined;
  // Listen for the stop signals before anything else, so a signal that arrives while starting
  // (or right after the "listening" line) still stops cleanly.
  let onStop!: () => void;
  const stopped = new Promise<void>((resolve) => (onStop = resolve));
  process.once('SIGINT', onStop);
  process.once('SIGTERM', onStop);
  try {
    const [{ SoftwareAuthenticator }, { FileStore, MemoryStore }, { UserPresence }, { serveUdp }] = await Promise.all([
      import('../../authenticator/software-authenticator.js'),
      import('../../authenticator/state-store.js'),
      import('../../authenticator/presence.js'),
      import('../../transport/udp-server.js'),
    ]);
    const presence = new UserPresence(cmd.manualTouch ? { kind: 'manual' } : { kind: 'approve' });
    const store = cmd.stateFile ? new FileStore(cmd.stateFile) : new MemoryStore();
    const device = new SoftwareAuthenticator({ profile: cmd.profile, store, presence });
    const served = await serveUdp(device, { listen: cmd.listen, peer: cmd.peer });
    server = served;
    const listen = served.address;
    const where = {
      listen: { host: listen.host, port: listen.port },
      peer: { host: cmd.peer.host, port: cmd.peer.port },
      profile: cmd.profile,
      state: cmd.stateFile ?? null,
      manualTouch: cmd.manualTouch,
    };
    out.result(where, () =>
      [
        `Software security key (${cmd.profile}) listening on udp ${formatUdpAddress(listen)}, sending to ${formatUdpAddress(cmd.peer)}.`,
        cmd.stateFile ? `State is kept in ${cmd.stateFile}.` : 'It starts factory fresh, in memory (nothing is kept when it stops).',
        `Use it with: skm --udp ${formatUdpAddress(listen)}${sameUdpAddress(cmd.peer, DEFAULT_UDP_LISTEN) ? '' : ` --udp-listen ${formatUdpAddress(cmd.peer)}`} info`,
        cmd.manualTouch
          ? 'Touches are manual: when the key asks for a touch, press Enter here to touch it (type n and Enter to refuse).'
          : 'Touches are approved automatically.',
        'Press Ctrl-C to stop.',
      ].join('\n'),
    );

    if (cmd.manualTouch) {
      presence.onRequest((waiting: boolean) => {
        if (waiting) out.say('The key is blinking: press Enter to touch it (n + Enter refuses).');
      });
      const r = new LineReader(process.stdin as unknown as PromptInput);
      reader = r;
      void (async () => {
        for (;;) {
          const line = await r.next();
          if (line === undefined) return;
          if (!presence.waiting) {
            out.say('Nothing is waiting for a touch right now.');
            continue;
          }
          if (/^n(o)?$/i.test(line.trim())) {
            presence.refuse();
            out.say('Refused.');
          } else {
            presence.touch();
            out.say('Touched.');
          }
        }
      })();
    }

    await stopped;
    out.say('Stopping the software key.');
    return ExitCode.OK;
  } catch (e) {
    const info = await errorInfoOf(e);
    if (isAddressInUse(e)) {
      info.message = `Cannot listen on ${formatUdpAddress(cmd.listen)}: the address is already in use.`;
      info.hint = 'Stop the other simulator, or choose another address with --listen HOST:PORT.';
    }
    out.error(info);
    return isAddressInUse(e) ? ExitCode.FAILURE : exitCodeFor(info.code);
  } finally {
    process.removeListener('SIGINT', onStop);
    process.removeListener('SIGTERM', onStop);
    reader?.close();
    await server?.close();
  }
}

function isAddressInUse(e: unknown): boolean {
  for (let c: unknown = e; c; c = (c as { cause?: unknown }).cause) {
    if ((c as { code?: string }).code === 'EADDRINUSE') return true;
  }
  return false;
}

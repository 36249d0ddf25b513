/**
 * Help pages of `skm`: the overview (with the exit-code table) and one page per command.
 * Kept as plain text so `--help` loads nothing else.
 */
import { EXIT_CODE_TABLE } from './exit-codes.js';
import { RESET_CONFIRM_FLAG } from './args.js';

const GLOBAL = `Global options:
  --device PATH        Use the key with this id (as "skm list" shows it)
  --udp HOST:PORT      Talk to a key over HID-over-UDP at HOST:PORT (e.g. "skm simulator")
  --udp-listen HOST:PORT
                       Our own receiving address for --udp (default 127.0.0.1:7112)
  --simulator          Use an in-process software key (factory fresh, touches approved)
  --profile NAME       Software key profile with --simulator: ctap21 (default), ctap20, u2f
  --json               Machine-readable output on stdout (errors as {"error": {...}})
  -h, --help           Show help (also "skm COMMAND --help")
  -V, --version        Show the version`;

function exitCodes(): string {
  return ['Exit codes:', ...EXIT_CODE_TABLE.map((e) => `  ${String(e.code).padStart(2)}  ${e.meaning}`)].join('\n');
}

export function overviewHelp(): string {
  return `skm — manage FIDO2 security keys

Usage: skm [options] COMMAND [arguments]

Commands:
  list                         List connected keys
  info                         Show what a key is and what it supports
  pin status|set|change        Show the PIN state, set a first PIN, change the PIN
  touch                        Check the key responds to a touch
  wink                         Make the key blink so you can find it
  reset                        Factory-reset the key (erases everything on it)
  credentials list             List passkeys stored on the key (asks for the PIN)
  credentials delete ID        Delete one passkey by its credential id (hex)
  config min-pin-length N      Raise the minimum PIN length
  config force-pin-change      Make the key require a new PIN before next use
  config always-uv             Toggle "always require user verification"
  doctor                       Check this computer can talk to security keys
  simulator                    Serve a software key over HID-over-UDP (for testing)

${GLOBAL}

PINs are never read from arguments or the environment. On a terminal skm asks for them
without echo; otherwise it reads them from standard input, one per line.

${exitCodes()}
`;
}

const PAGES: Record<string, string> = {
  list: `Usage: skm list [--json]

Lists connected keys with their id (use it with --device), transport, vendor and product.
With --json: {"keys": [KeySummary, ...]}.`,
  info: `Usage: skm info [--device PATH] [--json]

Shows the key's model, firmware, CTAP versions, PIN state, options and every getInfo field.
With --json: the KeyInfo object (getInfo fields named as in the CTAP 2.1 specification).`,
  pin: `Usage: skm pin status|set|change [--device PATH] [--json]

  status   Whether a PIN is set, retries left, minimum length
  set      Set the first PIN on a key that has none (asks for the new PIN twice)
  change   Change the PIN (asks for the current PIN, then the new PIN twice)

On a terminal the PINs are typed without echo. When standard input is not a terminal, skm reads
one line per PIN in this order: current PIN (change only), new PIN, new PIN again.`,
  touch: `Usage: skm touch [--device PATH] [--json]

Asks the key for a touch and reports whether it was touched (exit 11 when refused or not in time).`,
  wink: `Usage: skm wink [--device PATH] [--json]

Makes the key blink or beep so you can tell which one it is.`,
  reset: `Usage: skm reset [--device PATH] [--json] [--${RESET_CONFIRM_FLAG}]

Factory-resets the key. This erases EVERYTHING stored on it: every sign-in (passkey) on the key,
including your organisation's registration, and the PIN. It cannot be undone. Make sure you have
another way to sign in (an authenticator app, a second key) before you reset.

Keys only accept a reset within about 10 seconds of being plugged in, so skm asks you to unplug
the key, plug it back in, and touch it before the window closes.

Confirmation:
  On a terminal skm asks whether you have another way to sign in (answer "yes"), then asks you
  to type RESET.
  When standard input is not a terminal, skm reads the same two answers from standard input,
  one per line ("yes", then "RESET"), or accepts --${RESET_CONFIRM_FLAG}
  in their place. Anything else cancels (exit 9) and nothing is sent to the key.`,
  credentials: `Usage: skm credentials list [--device PATH] [--json]
       skm credentials delete CREDENTIAL_ID [--device PATH] [--json]

Lists or deletes passkeys (discoverable credentials) stored on the key. Both ask for the PIN.
CREDENTIAL_ID is the hexadecimal id shown by "skm credentials list".`,
  config: `Usage: skm config min-pin-length N [--device PATH] [--json]
       skm config force-pin-change [--device PATH] [--json]
       skm config always-uv [--device PATH] [--json]

Changes key settings (CTAP 2.1 authenticatorConfig). Asks for the PIN (the key must have one).
  min-pin-length N   Raise the minimum PIN length to N (4-63); it can never be lowered again
                     except by a reset
  force-pin-change   The key will refuse to work until its PIN is changed
  always-uv          Toggle whether the key always requires the PIN`,
  doctor: `Usage: skm doctor [--json]

Checks this computer can talk to security keys (device permissions, native libraries) and
prints how to fix what it finds.`,
  simulator: `Usage: skm simulator [--listen HOST:PORT] [--peer HOST:PORT] [--profile ctap21|ctap20|u2f]
                     [--state FILE] [--manual-touch]

Serves a software security key over HID-over-UDP until Ctrl-C.
  --listen HOST:PORT   Where the key receives reports (default 127.0.0.1:8111; port 0 = any)
  --peer HOST:PORT     Where it sends its reports (default 127.0.0.1:7112, the host's --udp-listen)
  --profile NAME       ctap21 (default), ctap20 or u2f
  --state FILE         Keep the key's state (PIN, passkeys) in FILE between runs;
                       without it the key starts factory fresh in memory
  --manual-touch       Touches wait for you to press Enter (otherwise they are approved at once)

Use it from another terminal with: skm --udp 127.0.0.1:8111 info`,
  help: `Usage: skm help [COMMAND]

Shows the overview, or the help page of COMMAND.`,
  version: `Usage: skm version

Shows the version of skm.`,
};

export function commandHelp(topic: string): string {
  const page = PAGES[topic];
  if (!page) return overviewHelp();
  return `${page}\n\n${GLOBAL}\n`;
}

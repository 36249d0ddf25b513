/**
 * Command-line entry of the browser test bridge (bundled to .cache/e2e/bridge.mjs by the e2e
 * global setup). Prints one JSON line {"url": ...} once listening.
 *   node .cache/e2e/bridge.mjs --renderer out/renderer [--keys 2] [--org-profile file.json]
 *        [--presence approve|deny|manual|never] [--port 0] [--exit-with-stdin]
 * Then open the URL in a browser to use the UI against software keys.
 */
import { startBridge, type BridgeOptions } from './server.js';
import type { PresenceMode } from './test-keys.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const opts: BridgeOptions = { rendererDir: option('renderer') ?? 'out/renderer' };
if (option('keys') !== undefined) opts.keys = Number(option('keys'));
if (option('org-profile')) opts.orgProfilePath = option('org-profile')!;
if (option('presence')) opts.presence = option('presence') as PresenceMode;
if (option('presence-timeout-ms')) opts.presenceTimeoutMs = Number(option('presence-timeout-ms'));
if (option('port')) opts.port = Number(option('port'));

const bridge = await startBridge(opts);
process.stdout.write(`${JSON.stringify({ url: bridge.url })}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void bridge.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Spawned by the tests: go when the test runner goes, even if it could not signal us.
if (process.argv.includes('--exit-with-stdin')) {
  process.stdin.resume();
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
}

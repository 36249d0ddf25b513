/**
 * Helpers for the CLI integration tests: build the real bundle once per test file into a temp
 * dir (via scripts/build-cli.mjs), run it as a child process with stdin lines, and serve a
 * software key with `skm simulator` on ephemeral UDP ports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeUdpPort } from '../../support/free-udp-port.js';

export const root = fileURLToPath(new URL('../../../', import.meta.url));

export interface Built {
  cli: string;
  dir: string;
  cleanup(): void;
}

/**
 * Build into node_modules/.cache (ignored by git) rather than the OS temp dir: the bundle keeps
 * cbor-x and node-hid external, so it must sit where node_modules resolves.
 */
export async function buildCli(): Promise<Built> {
  const base = join(root, 'node_modules', '.cache', 'skm-cli-tests');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'build-'));
  const r = await run(process.execPath, [join(root, 'scripts', 'build-cli.mjs'), '--outdir', dir, '--quiet']);
  if (r.code !== 0) throw new Error(`build failed: ${r.stderr}`);
  return { cli: join(dir, 'skm.cjs'), dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, env: opts.env ?? { ...process.env, FORCE_COLOR: '0' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out: ${args.join(' ')}\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** A runner bound to one built CLI and fixed leading arguments. */
export function skm(built: Built, leading: string[] = []) {
  return (args: string[], input?: string, timeoutMs?: number) => run(process.execPath, [built.cli, ...leading, ...args], { input, timeoutMs });
}

export function json(r: RunResult): any {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

export { freeUdpPort };

export interface RunningSimulator {
  child: ChildProcess;
  device: { host: string; port: number };
  hostPort: number;
  /** Global options that point the CLI at this simulator. */
  args: string[];
  stdout(): string;
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `skm simulator` on an ephemeral port, sending to a free host port. */
export async function startSimulator(built: Built, extra: string[] = [], json = true): Promise<RunningSimulator> {
  const hostPort = await freeUdpPort();
  const child = spawn(process.execPath, [built.cli, 'simulator', ...(json ? ['--json'] : []), '--listen', '127.0.0.1:0', '--peer', `127.0.0.1:${hostPort}`, ...extra], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const device = await new Promise<{ host: string; port: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`simulator did not start: ${out} ${err}`)), 10_000);
    const check = () => {
      const m = json ? tryJson(out)?.listen : /listening on udp ([\d.]+):(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(json ? m : { host: m[1], port: Number(m[2]) });
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => reject(new Error(`simulator exited ${code}: ${err}`)));
  });
  return {
    child,
    device,
    hostPort,
    args: ['--udp', `${device.host}:${device.port}`, '--udp-listen', `127.0.0.1:${hostPort}`],
    stdout: () => out,
    stderr: () => err,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

function tryJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

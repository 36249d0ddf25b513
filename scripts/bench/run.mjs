// Benchmark of Security Key Manager's host side (npm run bench). Not a test: it prints a table.
//
//  1. getInfo and full change-PIN (key agreement + changePIN, alternating two PINs) latency,
//     median/p90/p99, through our engine and through python-fido2, against the same software key
//     served over HID-over-UDP by `skm simulator` in a separate process (so its cost is not ours).
//  2. Host-side overhead per getInfo: our engine against an in-process connection that replays
//     recorded response frames at once (no I/O, no key), plus CPU time per getInfo over UDP.
//  3. Cold start of `skm info --json --simulator` against `node -e 0`.
//  4. Reset timing: the use case's reset wizard on an in-memory key that is unplugged and plugged
//     back programmatically; time from the key's arrival to the reset command reaching the key.
//  5. Idle cost of watching for keys: CPU time of this process while the key watcher polls the
//     real USB enumeration (node-hid), against the same process sitting idle without it.
//
// Usage: node scripts/bench/run.mjs [--quick]
// Host overhead passes on the replay figure (our code only); CPU over UDP is printed beside it.
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { RecordingConnection, ReplayConnection } from './replay-connection.mjs';
import { fmtMs, median, summary } from './stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const quick = process.argv.includes('--quick');
const N = {
  getInfo: quick ? 100 : 500,
  changePin: quick ? 10 : 40,
  replay: quick ? 5_000 : 20_000,
  coldStart: quick ? 7 : 21,
  idleMs: quick ? 4_000 : 10_000,
  reset: quick ? 3 : 8,
  warmup: 20,
};
const PYTHON = '/usr/bin/python3';
// Benchmark-only PINs for a throwaway software key; never printed.
const PIN_A = 'bench-pin-1357';
const PIN_B = 'bench-pin-2468';

// Inside node_modules/.cache so the bundles resolve cbor-x and node-hid from node_modules.
mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
const work = mkdtempSync(join(root, 'node_modules', '.cache', 'skm-bench-'));
const results = {};

function log(msg) {
  process.stderr.write(`${msg}\n`);
}

async function freeUdpPort() {
  const s = createSocket('udp4');
  await new Promise((r) => s.bind(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

async function buildAll() {
  const t = performance.now();
  await build({
    absWorkingDir: root,
    entryPoints: [join(here, 'engine-entry.ts')],
    outfile: join(work, 'engine.mjs'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: ['node-hid', 'cbor-x'],
    logLevel: 'error',
    // ESM output needs a require for the CommonJS externals.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs'), '--outdir', join(work, 'cli'), '--quiet'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`CLI build failed:\n${r.stderr}`);
  log(`built engine and CLI in ${Math.round(performance.now() - t)} ms`);
  return { engine: await import(pathToFileURL(join(work, 'engine.mjs')).href), cli: join(work, 'cli', 'skm.cjs') };
}

/** Start `skm simulator` in its own process; resolves with its address once it listens. */
function startSimulator(cli, peerPort) {
  const child = spawn(process.execPath, [cli, 'simulator', '--json', '--listen', '127.0.0.1:0', '--peer', `127.0.0.1:${peerPort}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolveStart, reject) => {
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      try {
        const info = JSON.parse(out);
        resolveStart({ child, device: info.listen });
      } catch {
        // not complete yet
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.once('exit', (code) => reject(new Error(`simulator exited (${code}): ${err || out}`)));
    setTimeout(() => reject(new Error('simulator did not start in 10 s')), 10_000).unref();
  });
}

/** Our engine on one simulator: timed blocks of getInfo / change PIN, with process CPU time. */
async function openOurs(E, device, hostPort) {
  const conn = await E.openUdpConnection({ device, listen: { host: '127.0.0.1', port: hostPort } });
  const dev = await E.CtapHidDevice.open(conn);
  const ctap2 = await E.Ctap2.open(dev);
  if (!ctap2.info.options.clientPin) {
    await new E.ClientPin(ctap2).setPin(PIN_A);
    await ctap2.refreshInfo();
  }
  const clientPin = new E.ClientPin(ctap2);
  let [current, other] = [PIN_A, PIN_B];
  const ops = {
    getinfo: () => E.getInfo(dev),
    changepin: async () => {
      await clientPin.changePin(current, other);
      [current, other] = [other, current];
    },
  };
  return {
    protocol: clientPin.protocol?.version,
    async block(op, n) {
      const ms = [];
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        await ops[op]();
        ms.push(performance.now() - t);
      }
      const cpu = process.cpuUsage(cpu0);
      return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
    },
    async close() {
      if (current !== PIN_A) await ops.changepin();
      await dev.close();
      await conn.close();
    },
  };
}

/** python-fido2 on the other simulator, driven block by block over its stdin. */
async function openPython(device, hostPort) {
  const child = spawn(PYTHON, [join(here, 'python_peer.py'), '--device', `${device.host}:${device.port}`, '--listen', `127.0.0.1:${hostPort}`], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
  const lines = [];
  let waiting = null;
  let buf = '';
  child.stdout.setEncoding('utf8').on('data', (d) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) !== -1) {
      lines.push(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
    if (waiting && lines.length) waiting();
  });
  const exited = new Promise((r) => child.once('exit', r));
  const next = () =>
    new Promise((resolveLine, reject) => {
      const take = () => {
        waiting = null;
        resolveLine(JSON.parse(lines.shift()));
      };
      if (lines.length) return take();
      waiting = take;
      exited.then((code) => reject(new Error(`python-fido2 peer exited (${code}): ${err.split('\n').slice(-4).join(' ')}`)));
    });
  child.stdin.write(`${PIN_A}\n${PIN_B}\n`);
  const ready = await next();
  return {
    protocol: ready.protocol,
    async block(op, n) {
      child.stdin.write(`${op} ${n}\n`);
      return next();
    },
    async close() {
      child.stdin.end('quit\n');
      await exited;
    },
  };
}

/** Interleave blocks of both hosts so machine load hits them alike. */
async function runInterleaved(hosts, op, total, rounds) {
  const per = Math.max(1, Math.round(total / rounds));
  const res = hosts.map(() => ({ ms: [], cpuMs: 0 }));
  for (let r = 0; r < rounds; r++) {
    for (let h = 0; h < hosts.length; h++) {
      const i = r % 2 === 0 ? h : hosts.length - 1 - h; // alternate who goes first
      const b = await hosts[i].block(op, per);
      res[i].ms.push(...b.ms);
      res[i].cpuMs += b.cpuMs;
    }
  }
  return res.map((x) => ({ ...x, cpuPerOpMs: x.cpuMs / x.ms.length }));
}

/** Host-side cost of one getInfo: record the simulator's answers once, then replay them with no I/O. */
async function benchReplay(E, device, hostPort) {
  const nonce = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
  const udp = await E.openUdpConnection({ device, listen: { host: '127.0.0.1', port: hostPort } });
  const rec = new RecordingConnection(udp);
  const d = await E.CtapHidDevice.open(rec, { nonce });
  await E.getInfo(d);
  await d.close();
  await udp.close();
  const responses = rec.responsesByCommand();
  const replay = new ReplayConnection(responses, () => new E.TimeoutError());
  const dev = await E.CtapHidDevice.open(replay, { nonce });
  for (let i = 0; i < 2_000; i++) await E.getInfo(dev);
  const samples = [];
  const batch = 100;
  const t0 = performance.now();
  for (let i = 0; i < N.replay / batch; i++) {
    const t = performance.now();
    for (let j = 0; j < batch; j++) await E.getInfo(dev);
    samples.push((performance.now() - t) / batch);
  }
  const meanMs = (performance.now() - t0) / N.replay;
  const frames = responses.get(0x90)?.length ?? 0;
  return { meanMs, medianMs: median(samples), frames };
}

function timeRun(cmd, args) {
  const t = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  const ms = performance.now() - t;
  return { ms, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function benchColdStart(cli) {
  const first = timeRun(process.execPath, [cli, 'info', '--json', '--simulator']);
  if (first.status !== 0) throw new Error(`skm info --json --simulator failed: ${first.stderr || first.stdout}`);
  JSON.parse(first.stdout);
  const skm = [];
  const bare = [];
  for (let i = 0; i < N.coldStart; i++) {
    bare.push(timeRun(process.execPath, ['-e', '0']).ms);
    skm.push(timeRun(process.execPath, [cli, 'info', '--json', '--simulator']).ms);
  }
  const help = [];
  for (let i = 0; i < Math.min(7, N.coldStart); i++) help.push(timeRun(process.execPath, [cli, '--version']).ms);
  return { skm: median(skm), bare: median(bare), version: median(help), ratio: median(skm) / median(bare) };
}

/** Reset wizard on an in-memory key: arrival (plug) → reset command received by the key. */
async function benchReset(E) {
  const samples = [];
  for (let trial = 0; trial < N.reset; trial++) {
    const provider = new E.InMemoryProvider();
    const auth = new E.SoftwareAuthenticator({ profile: 'ctap21' });
    let arrivedAt;
    let resetAt;
    const receive = auth.receive.bind(auth);
    auth.receive = (report) => {
      // CTAPHID_CBOR (0x90) initialisation packet whose CTAP command byte is authenticatorReset (0x07).
      if (resetAt === undefined && report[4] === 0x90 && report[7] === 0x07) resetAt = performance.now();
      receive(report);
    };
    provider.add({ device: auth, descriptor: { name: `bench-${trial}`, vendorId: 0x1050, productId: 0x0407, product: 'Bench key', serialNumber: `B${trial}` } });
    const service = E.createKeyService({ usb: false, extraProviders: [provider] });
    const timers = [];
    service.onEvent((ev) => {
      if (ev.type !== 'reset-status') return;
      if (ev.status.phase === 'unplug') timers.push(setTimeout(() => auth.unplug(), 20));
      if (ev.status.phase === 'replug') {
        // A person takes a moment; vary where the arrival falls against the wizard's polling.
        timers.push(
          setTimeout(() => {
            auth.plug();
            arrivedAt = performance.now();
          }, 30 + ((trial * 37) % 100)),
        );
      }
    });
    const [key] = await service.listKeys();
    const prep = await service.prepareReset(key.id);
    const status = await service.startReset(key.id, { confirmationToken: prep.confirmationToken, understandsLoss: true, hasBackupSignIn: true });
    for (const t of timers) clearTimeout(t);
    await service.close?.();
    if (status.phase !== 'done') throw new Error(`reset ended in ${status.phase}: ${status.outcome?.message}`);
    if (arrivedAt === undefined || resetAt === undefined) throw new Error('reset timing not observed');
    samples.push(resetAt - arrivedAt);
  }
  return { ...summary(samples), max: Math.max(...samples) };
}

/** CPU share of one core while idle, without and then with the key watcher polling USB. */
async function benchIdleWatcher(E) {
  const cpuShare = async (ms) => {
    const cpu = process.cpuUsage();
    const t = performance.now();
    await new Promise((r) => setTimeout(r, ms));
    const used = process.cpuUsage(cpu);
    return (used.user + used.system) / 1000 / (performance.now() - t);
  };
  const baseline = await cpuShare(N.idleMs);
  const service = E.createKeyService({ usb: true });
  const off = service.onEvent(() => {});
  try {
    await service.listKeys().catch(() => []); // load node-hid before measuring
    // Let start-up work (module compilation, the first collections) settle: idle means steady state.
    await new Promise((r) => setTimeout(r, 2_000));
    const watching = await cpuShare(N.idleMs);
    return { baseline, watching, added: watching - baseline };
  } finally {
    off();
    await service.close?.();
  }
}

function row(cells, widths) {
  return cells.map((c, i) => String(c).padEnd(widths[i])).join('  ').trimEnd();
}

async function main() {
  const { engine: E, cli } = await buildAll();
  // Two identical simulators in their own processes: one for each host, so both stay connected
  // and their timed blocks can be interleaved.
  const ourPort = await freeUdpPort();
  const pyPort = await freeUdpPort();
  const simOurs = await startSimulator(cli, ourPort);
  const simPy = await startSimulator(cli, pyPort);
  log(`simulators on udp ${simOurs.device.port} (engine) and ${simPy.device.port} (python-fido2)`);
  try {
    const ours = await openOurs(E, simOurs.device, ourPort);
    let py;
    try {
      py = await openPython(simPy.device, pyPort);
    } catch (e) {
      results.pythonError = e.message;
    }
    const hosts = py ? [ours, py] : [ours];
    log('warm-up …');
    await runInterleaved(hosts, 'getinfo', N.warmup * hosts.length, 2);
    log('getInfo …');
    const gi = await runInterleaved(hosts, 'getinfo', N.getInfo, 10);
    log('change PIN …');
    const cp = await runInterleaved(hosts, 'changepin', N.changePin, N.changePin / 2);
    results.ours = { getInfo: gi[0].ms, changePin: cp[0].ms, cpuPerGetInfoMs: gi[0].cpuPerOpMs, protocol: ours.protocol };
    if (py) results.python = { getInfo: gi[1].ms, changePin: cp[1].ms, cpuPerGetInfoMs: gi[1].cpuPerOpMs, protocol: py.protocol };
    await ours.close();
    await py?.close();
    log('host overhead (replay) …');
    results.replay = await benchReplay(E, simOurs.device, ourPort);
  } finally {
    simOurs.child.kill('SIGTERM');
    simPy.child.kill('SIGTERM');
  }
  log('cold start …');
  results.cold = benchColdStart(cli);
  log('reset timing …');
  try {
    results.reset = await benchReset(E);
  } catch (e) {
    results.resetError = e.message;
  }

  log('idle watcher …');
  try {
    results.idle = await benchIdleWatcher(E);
  } catch (e) {
    results.idleError = e.message;
  }

  const o = results.ours;
  const p = results.python;
  const gi = summary(o.getInfo);
  const cp = summary(o.changePin);
  const pgi = p && summary(p.getInfo);
  const pcp = p && summary(p.changePin);
  const lines = [];
  const w1 = [26, 12, 12, 12, 6];
  lines.push('', row(['latency over HID-over-UDP', 'median', 'p90', 'p99', 'n'], w1), row(['-'.repeat(26), '-'.repeat(12), '-'.repeat(12), '-'.repeat(12), '-'.repeat(6)], w1));
  const lat = (name, s) => lines.push(row([name, fmtMs(s.median), fmtMs(s.p90), fmtMs(s.p99), s.n], w1));
  lat('getInfo — skm engine', gi);
  if (pgi) lat('getInfo — python-fido2', pgi);
  lat('change PIN — skm engine', cp);
  if (pcp) lat('change PIN — python-fido2', pcp);
  if (results.pythonError) lines.push(`python-fido2: ${results.pythonError}`);

  const targets = [];
  const r = results.replay;
  targets.push([
    'host overhead per getInfo',
    '<= 0.2 ms',
    `${fmtMs(r.meanMs, 4)} mean (replay, ${r.frames} frames); CPU over UDP ${fmtMs(o.cpuPerGetInfoMs, 4)}`,
    r.meanMs <= 0.2 ? 'PASS' : 'MISS',
    r.meanMs <= 0.2
      ? o.cpuPerGetInfoMs > 0.2
        ? 'our code is well within budget; the CPU over UDP is mostly Node dgram and event-loop work for the 5 datagrams of a getInfo (1 out, 4 in)'
        : ''
      : 'engine work per getInfo (framing, CBOR, parse) exceeds the budget',
  ]);
  if (pgi && pcp) {
    const ratioInfo = pgi.median / gi.median;
    const ratioPin = pcp.median / cp.median;
    const ratioCpu = p.cpuPerGetInfoMs / o.cpuPerGetInfoMs;
    const ok = ratioInfo >= 5;
    targets.push([
      'throughput vs python-fido2',
      '>= 5x',
      `getInfo ${ratioInfo.toFixed(2)}x, change PIN ${ratioPin.toFixed(2)}x (ops/s, one stream); host CPU per getInfo ${fmtMs(o.cpuPerGetInfoMs, 3)} vs ${fmtMs(p.cpuPerGetInfoMs, 3)} = ${ratioCpu.toFixed(2)}x`,
      ok ? 'PASS' : 'MISS',
      ok
        ? ''
        : `one getInfo round trip takes ${fmtMs(gi.median)} here, of which our engine's own work is ${fmtMs(r.meanMs, 4)} (replay); the rest is the UDP loopback, the event loop and the simulator process, which both hosts pay alike, so a 5x gap cannot open on this path`,
    ]);
  } else {
    targets.push(['throughput vs python-fido2', '>= 5x', 'python-fido2 did not run', 'MISS', results.pythonError ?? '']);
  }
  const c = results.cold;
  targets.push([
    'cold start skm info --json --simulator',
    '<= 2.5x node -e 0',
    `${fmtMs(c.skm, 1)} vs ${fmtMs(c.bare, 1)} = ${c.ratio.toFixed(2)}x (skm --version ${fmtMs(c.version, 1)})`,
    c.ratio <= 2.5 ? 'PASS' : 'MISS',
    c.ratio <= 2.5 ? '' : 'start-up loads more than the command needs',
  ]);
  if (results.reset) {
    const s = results.reset;
    targets.push([
      'reset sent after key arrival',
      '<= 300 ms',
      `median ${fmtMs(s.median, 1)}, max ${fmtMs(s.max, 1)} (n=${s.n})`,
      s.max <= 300 ? 'PASS' : 'MISS',
      s.max <= 300 ? '' : 'the wizard notices the replug too late',
    ]);
  } else {
    targets.push(['reset sent after key arrival', '<= 300 ms', 'not measured', 'MISS', results.resetError ?? '']);
  }
  if (results.idle) {
    const i = results.idle;
    const pct = (x) => `${(x * 100).toFixed(2)}%`;
    targets.push([
      'idle cost of watching for keys',
      '< 1% of a core',
      `${pct(i.watching)} with the watcher polling USB every 250 ms vs ${pct(i.baseline)} idle without it (+${pct(Math.max(0, i.added))})`,
      i.watching < 0.01 ? 'PASS' : 'MISS',
      i.watching < 0.01 ? '' : 'enumeration is costlier than expected on this machine',
    ]);
  } else {
    targets.push(['idle cost of watching for keys', '< 1% of a core', 'not measured', 'MISS', results.idleError ?? '']);
  }
  const w2 = [38, 18, 100, 5];
  lines.push('', row(['target', 'goal', 'measured', 'result'], w2), row(w2.map((w) => '-'.repeat(w)), w2));
  for (const t of targets) {
    lines.push(row(t.slice(0, 4), w2));
    if (t[4]) lines.push(`${' '.repeat(w2[0] + 2)}${t[3] === 'PASS' ? 'note' : 'why'}: ${t[4]}`);
  }
  lines.push('', `PIN/UV auth protocol: ours ${o.protocol ?? '?'}, python-fido2 ${p?.protocol ?? '?'}; node ${process.version}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main()
  .catch((e) => {
    process.stderr.write(`benchmark failed: ${e.stack ?? e}\n`);
    process.exitCode = 1;
  })
  .finally(() => rmSync(work, { recursive: true, force: true }));

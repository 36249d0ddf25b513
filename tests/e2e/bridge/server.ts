/**
 * The browser test bridge: serves the built renderer on 127.0.0.1 and the IPC contract over HTTP,
 * so the real UI runs against the real KeyService in an ordinary Chromium. The contract path is
 * Electron main's own: the same argument schemas and the same dispatch/envelope function
 * (electron/ipc-dispatch.ts), the same allow-listed external opener (recording instead of
 * opening). POST /api/<method> with a JSON array of arguments; GET /api/events is the event
 * stream; POST /test/<action> are the test-only controls. Test use only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../../electron/csp.js';
import { createExternalOpener, withExternalOpener } from '../../../electron/external-links.js';
import { dispatch, untrustedSenderEnvelope } from '../../../electron/ipc-dispatch.js';
import { createKeyService, type KeyServiceOptions } from '../../../src/usecases/key-service.js';
import { bridgeClientScript } from './client-script.js';
import { TestKeys, type PresenceMode } from './test-keys.js';

export interface BridgeOptions {
  /** The built renderer (out/renderer). */
  rendererDir: string;
  orgProfilePath?: string;
  /** Keys plugged in at start (default 1). */
  keys?: number;
  presence?: PresenceMode;
  presenceTimeoutMs?: number;
  host?: string;
  port?: number;
  reset?: KeyServiceOptions['reset'];
}

export interface Bridge {
  url: string;
  keys: TestKeys;
  /** URLs the app would have opened in the browser (after the allow-list check). */
  opened: string[];
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

const MAX_BODY = 64 * 1024;

export async function startBridge(opts: BridgeOptions): Promise<Bridge> {
  const rendererDir = resolve(opts.rendererDir);
  const keys = new TestKeys({ presence: opts.presence ?? 'approve', presenceTimeoutMs: opts.presenceTimeoutMs ?? 30_000 });
  for (let i = 0; i < (opts.keys ?? 1); i++) keys.add();
  const opened: string[] = [];
  const base = createKeyService({
    usb: false,
    demo: { enabled: false },
    pollIntervalMs: 100,
    extraProviders: [keys.provider],
    ...(opts.orgProfilePath ? { orgProfilePath: opts.orgProfilePath } : {}),
    ...(opts.reset ? { reset: opts.reset } : {}),
  });
  const service = withExternalOpener(
    base,
    createExternalOpener({
      getProfile: async () => (await base.getOrgProfile()).profile,
      open: (url) => void opened.push(url),
    }),
  );
  const streams = new Set<ServerResponse>();
  let origin = '';

  const indexHtml = async (): Promise<string> => {
    const html = await readFile(join(rendererDir, 'index.html'), 'utf8');
    // A classic script in <head> runs before the app's (deferred) module script.
    return html.replace(/<\/head>/i, '  <script src="/bridge-client.js"></script>\n  </head>');
  };

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, {
      'Content-Type': type,
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    res.end(body);
  };
  const json = (res: ServerResponse, status: number, value: unknown) => send(res, status, 'application/json', JSON.stringify(value));

  /** The bridge's sender check: only the page it serves may call the contract. */
  const fromOwnPage = (req: IncomingMessage): boolean => {
    const o = req.headers.origin;
    if (o !== undefined) return o === origin;
    return req.headers['sec-fetch-site'] === 'same-origin';
  };

  const readBody = (req: IncomingMessage): Promise<string | undefined> =>
    new Promise((resolveBody) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) {
          resolveBody(undefined);
          req.destroy();
        } else chunks.push(c);
      });
      req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
      req.on('error', () => resolveBody(undefined));
    });

  const control = async (action: string, body: Record<string, unknown>): Promise<unknown> => {
    const key = typeof body.key === 'string' ? body.key : undefined;
    switch (action) {
      case 'state':
        return { keys: keys.state(), opened: [...opened] };
      case 'presence':
        keys.presence(body.mode as PresenceMode, key);
        return {};
      case 'touch':
        keys.touch(key);
        return {};
      case 'refuse':
        keys.refuse(key);
        return {};
      case 'unplug':
        keys.unplug(key);
        return {};
      case 'plug':
        keys.plug(key, typeof body.lateByMs === 'number' ? body.lateByMs : 0);
        return {};
      case 'add-key':
        return { id: keys.add() };
      case 'set-pin':
        await keys.setPin(String(body.pin), key);
        return {};
      default:
        throw new Error(`unknown control ${action}`);
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', origin);
      const path = url.pathname;
      if (req.method === 'POST' && path.startsWith('/api/')) {
        if (!fromOwnPage(req)) return json(res, 200, untrustedSenderEnvelope());
        const text = await readBody(req);
        let args: unknown = undefined;
        try {
          args = text === undefined ? undefined : JSON.parse(text);
        } catch {
          args = undefined; // refused by validation like any malformed call
        }
        return json(res, 200, await dispatch(service, decodeURIComponent(path.slice('/api/'.length)), args));
      }
      if (req.method === 'GET' && path === '/api/events') {
        if (!fromOwnPage(req)) return json(res, 403, untrustedSenderEnvelope());
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
        res.write(': connected\n\n');
        streams.add(res);
        const off = service.onEvent((event) => res.write(`data: ${JSON.stringify(event)}\n\n`));
        req.on('close', () => {
          off();
          streams.delete(res);
        });
        return;
      }
      if (req.method === 'POST' && path.startsWith('/test/')) {
        const text = await readBody(req);
        try {
          const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
          return json(res, 200, { ok: true, ...((await control(path.slice('/test/'.length), body)) as object) });
        } catch (e) {
          return json(res, 400, { ok: false, error: e instanceof Error ? e.message : String(e) });
        }
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'Method not allowed');
      if (path === '/' || path === '/index.html') return send(res, 200, TYPES['.html']!, await indexHtml());
      if (path === '/bridge-client.js') return send(res, 200, TYPES['.js']!, bridgeClientScript());
      const file = normalize(join(rendererDir, decodeURIComponent(path)));
      if (!file.startsWith(rendererDir + sep)) return send(res, 404, 'text/plain', 'Not found');
      try {
        if (!(await stat(file)).isFile()) return send(res, 404, 'text/plain', 'Not found');
        return send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', await readFile(file));
      } catch {
        return send(res, 404, 'text/plain', 'Not found');
      }
    })().catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain', 'Internal error');
      else res.end();
    });
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => ok());
  });
  const address = server.address() as AddressInfo;
  origin = `http://${address.address}:${address.port}`;

  return {
    url: `${origin}/`,
    keys,
    opened,
    async close() {
      for (const s of streams) s.end();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await base.close();
    },
  };
}

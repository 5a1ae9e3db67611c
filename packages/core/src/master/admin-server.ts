/**
 * The admin listener: a small HTTP server the master runs on its own socket (never handed to
 * workers), so health checks and scrapes are answered even while every worker is booting,
 * draining or hung. GET /livez, /readyz, /metrics.
 */
import { existsSync, unlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { TsuError } from '../errors.js';
import type { BindAddress } from '../settings/bind.js';

/** What the admin listener answers with; the operations hub provides it. */
export interface AdminPages {
  /** null when ready, else a short reason. */
  notReadyBecause(): string | null;
  metrics(): { readonly contentType: string; readonly body: string };
}

/** Starts the admin listener; throws TSU_ERR_ADMIN_BIND when the address cannot be bound. */
export async function startAdminServer(address: BindAddress, pages: AdminPages): Promise<Server> {
  const server = createServer((req, res) => answer(req, res, pages));
  server.keepAliveTimeout = 5000;
  if (address.kind === 'unix' && existsSync(address.path)) unlinkSync(address.path);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new TsuError(
          'TSU_ERR_ADMIN_BIND',
          `admin address ${address.text} (setting "adminBind", --admin-bind) could not be bound (${err.code ?? err.message})`,
          {
            cause: err,
          },
        ),
      ),
    );
    const listening = () => resolve();
    if (address.kind === 'unix') server.listen(address.path, listening);
    else server.listen(address.port, address.host, listening);
  });
  return server;
}

function answer(req: IncomingMessage, res: ServerResponse, pages: AdminPages): void {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'only GET and HEAD' });
  if (path === '/livez') return send(res, 200, { status: 'ok' });
  if (path === '/readyz') {
    const why = pages.notReadyBecause();
    return why === null ? send(res, 200, { status: 'ready' }) : send(res, 503, { status: 'not ready', reason: why });
  }
  if (path === '/metrics') {
    const { contentType, body } = pages.metrics();
    res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    return void res.end(req.method === 'HEAD' ? undefined : body);
  }
  send(res, 404, { error: 'not found: use /livez, /readyz or /metrics' });
}

function send(res: ServerResponse, status: number, body: object): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

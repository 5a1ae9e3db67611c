import { Agent, type OutgoingHttpHeaders, request } from 'node:http';
import { type AddressInfo, createServer, Server as NetServer, type Server } from 'node:net';
import { type BuildContext, createLogger, loadSettings, type ServedApp, type UserConfig } from '@tsunicorn/core';

/** What a worker hands an adapter's build(), with logging off. */
export function buildContext(config: UserConfig = {}): BuildContext {
  return { settings: loadSettings(config), log: createLogger('-', 'critical'), worker: { id: 1, pid: process.pid, generation: 1 } };
}

export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export interface Send {
  readonly method?: string;
  readonly path: string;
  readonly headers?: OutgoingHttpHeaders;
  readonly body?: string | object;
  readonly agent?: Agent;
}

/** One real HTTP request to 127.0.0.1:port; a fresh connection unless an agent is given. */
export function send(port: number, req: Send): Promise<Reply> {
  const headers: OutgoingHttpHeaders = { ...req.headers };
  let body: string | undefined;
  if (typeof req.body === 'string') body = req.body;
  else if (req.body !== undefined) {
    body = JSON.stringify(req.body);
    headers['content-type'] ??= 'application/json';
  }
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: '127.0.0.1', port, method: req.method ?? 'GET', path: req.path, headers, agent: req.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    outgoing.setTimeout(10_000, () => outgoing.destroy(new Error(`no answer to ${req.method ?? 'GET'} ${req.path} within 10 s`)));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Listens like the worker does for warm-up: privately, on a loopback port. */
export async function listenPrivately(app: ServedApp): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    app.server.once('error', reject);
    app.server.listen({ port: 0, host: '127.0.0.1' }, () => {
      app.server.off('error', reject);
      resolve();
    });
  });
  return (app.server.address() as AddressInfo).port;
}

/** Closes only the private listener, as the worker does, keeping Node's connection tracking alive. */
export function closePrivateListener(app: ServedApp): void {
  NetServer.prototype.close.call(app.server);
}

/**
 * Stands in for the tsunicorn master: accepts connections on its own port and hands each
 * socket to the app's server with `emit('connection')`, as the worker does with the sockets
 * the master passes it.
 */
export async function handOverConnections(app: ServedApp): Promise<{ port: number; close(): Promise<void> }> {
  const relay: Server = createServer((socket) => app.server.emit('connection', socket));
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    port: (relay.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => relay.close(() => resolve())),
  };
}

/** Polls `check` until it holds, at most `tries` times; no timing is asserted. */
export async function waitFor(check: () => Promise<boolean>, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not met in time');
}

export { Agent };

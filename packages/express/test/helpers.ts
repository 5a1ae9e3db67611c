/**
 * What the core's worker does with an adapter, done by hand over real loopback HTTP: build,
 * listen privately, prepare, send warm-up requests, close the private listener, then serve
 * connections handed over the way the master hands them (`server.emit('connection')`).
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { type AddressInfo, Server as NetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  type Adapter,
  type BuildContext,
  hasPathParameters,
  type Logger,
  loadSettings,
  type ServedApp,
  type UserConfig,
  type WarmupRequest,
} from '@tsunicorn/core';
import type { ExpressApp } from '../src/index.js';

/** The example app's directory. */
export const exampleDir = fileURLToPath(new URL('../../../examples/express/', import.meta.url));

interface ExampleModules {
  createApp: () => ExpressApp;
  snapshot: () => ExampleStats;
}

/** What the example's `GET /__stats` returns. */
export interface ExampleStats {
  routes: Record<string, { served: number; warmup: number }>;
  loaded: { report: boolean; ejs: boolean; iconvEncodings: boolean };
}

/** Imports the example app's factory and its counters (the same module instances the app uses). */
export async function importExample(): Promise<ExampleModules> {
  const { createApp } = (await import(`${exampleDir}create-app.js`)) as { createApp: () => ExpressApp };
  const { snapshot } = (await import(`${exampleDir}lib/stats.js`)) as { snapshot: () => ExampleStats };
  return { createApp, snapshot };
}

/** A logger that keeps its lines, for tests that look at warnings. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warning: at('warning'),
    error: at('error'),
    critical: at('critical'),
    debugEnabled: true,
    reopen() {},
    close() {},
  };
}

/** A build context as a worker would pass it. */
export function buildContext(config: UserConfig = {}, log: Logger = memoryLogger()): BuildContext {
  return { settings: loadSettings(config), log, worker: { id: 1, pid: process.pid, generation: 1 } };
}

/** Builds the adapter's app as a worker does. */
export function build(adapter: Adapter, config: UserConfig = {}): Promise<ServedApp> {
  return adapter.build(buildContext(config));
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Sends one request to 127.0.0.1:port; the body is sent as is. */
export function send(port: number, req: WarmupRequest, agent: Agent | false = false): Promise<Answer> {
  const body = typeof req.body === 'object' ? JSON.stringify(req.body) : req.body;
  const json = typeof req.body === 'object' ? { 'content-type': 'application/json' } : {};
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, agent, method: req.method ?? 'GET', path: req.url, headers: { ...json, ...req.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    outgoing.setTimeout(10_000, () => outgoing.destroy(new Error(`no answer to ${req.url} within 10 s`)));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** The requests the core's warm-up engine would send: discovered, the adapter's, configured. */
export function planWarmup(app: ServedApp, configured: readonly WarmupRequest[] = []): WarmupRequest[] {
  const discovered = app
    .routes()
    .filter((r) => (r.method === 'GET' || r.method === 'HEAD') && !hasPathParameters(r.path))
    .map((r) => ({ method: r.method, url: r.path }));
  return [...discovered, ...(app.warmupRequests?.() ?? []), ...configured];
}

/**
 * Listens privately on 127.0.0.1:0, prepares, sends each request `hits` times with the
 * warm-up header, then closes only the listener, as the worker does. Returns the answers of
 * the last pass.
 */
export async function warmLikeTheCore(app: ServedApp, configured: readonly WarmupRequest[] = [], hits = 3): Promise<Answer[]> {
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await app.prepare?.();
    const { port } = app.server.address() as AddressInfo;
    const requests = planWarmup(app, configured);
    let answers: Answer[] = [];
    for (let pass = 0; pass < hits; pass++) {
      answers = [];
      for (const req of requests) {
        answers.push(await send(port, { ...req, headers: { 'x-tsunicorn-warmup': '1', ...req.headers } }, agent));
      }
    }
    return answers;
  } finally {
    agent.destroy();
    NetServer.prototype.close.call(app.server);
  }
}

/**
 * Serves the app's server through connections accepted by another listener and handed over
 * with `emit('connection')`, as the master hands them to a warm worker.
 */
export async function serveHandedConnections(app: ServedApp): Promise<{ port: number; close: () => Promise<void> }> {
  const front = new NetServer((socket) => app.server.emit('connection', socket));
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const { port } = front.address() as AddressInfo;
  const close = async () => {
    app.server.closeAllConnections();
    app.server.close();
    await new Promise<void>((resolve) => front.close(() => resolve()));
  };
  return { port, close };
}

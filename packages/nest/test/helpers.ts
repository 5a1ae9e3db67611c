/**
 * Runs a built app the way the core's worker does: listen privately on loopback, send real
 * HTTP, close only the listener, then serve connections handed over from another socket.
 */
import { request } from 'node:http';
import { type AddressInfo, createServer, Server as NetServer, type Socket } from 'node:net';
import type { BuildContext, ServedApp } from '@tsunicorn/core';
import { createLogger, loadSettings } from '@tsunicorn/core';

export interface Reply {
  readonly status: number;
  readonly body: string;
}

export const buildContext: BuildContext = {
  settings: loadSettings(),
  log: createLogger('-', 'error'),
  worker: { id: 1, pid: process.pid, generation: 1 },
};

/** `server.listen(0, '127.0.0.1')`, resolved with the port. */
export async function listenPrivately(served: ServedApp): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    served.server.once('error', reject);
    served.server.listen(0, '127.0.0.1', () => resolve());
  });
  return (served.server.address() as AddressInfo).port;
}

/** Closes only the listening socket, as the worker does: Node's connection tracking stays. */
export function closeListener(served: ServedApp): void {
  NetServer.prototype.close.call(served.server);
}

/** A socket whose connections are handed to the app's server, as the master's are. */
export async function handOver(served: ServedApp): Promise<{ port: number; close(): Promise<void> }> {
  const relay = createServer((socket: Socket) => served.server.emit('connection', socket));
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    port: (relay.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => relay.close(() => resolve())),
  };
}

/** One request on a fresh connection that closes after the response. */
export function send(port: number, path: string, options: { method?: string; body?: unknown; warmup?: boolean } = {}): Promise<Reply> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...(options.warmup ? { 'x-tsunicorn-warmup': '1' } : {}),
  };
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer to ${path} within 10 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** GET returning parsed JSON. */
export async function getJson<T>(port: number, path: string): Promise<T> {
  const reply = await send(port, path);
  if (reply.status !== 200) throw new Error(`GET ${path} answered ${reply.status}: ${reply.body}`);
  return JSON.parse(reply.body) as T;
}

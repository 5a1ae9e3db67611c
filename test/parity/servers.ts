/**
 * The two ways the parity suite serves one app module: the framework's own listen() in a
 * plain Node process (apps/plain.mjs), and `tsunicorn APP` with one worker, so every real
 * connection takes the master → worker hand-over.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningServer, start } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';
import type { Target } from './raw-http.js';

export const APPS = fileURLToPath(new URL('./apps/', import.meta.url));

/** How both servers are bound: a TCP host, or a unix socket each. */
export type BindKind = 'ipv4' | 'ipv6' | 'unix';

export interface Served {
  readonly name: 'plain listen()' | 'tsunicorn';
  readonly target: Target;
  readonly server: RunningServer;
}

export async function servePlain(app: string, bind: BindKind = 'ipv4'): Promise<Served> {
  const address = bindAddress(bind);
  const server = start({ script: `${APPS}plain.mjs`, args: [`${APPS}${app}`, address], cwd: APPS });
  const match = await server.waitForLog(/LISTENING (\S+)/);
  return { name: 'plain listen()', target: targetOf(bind, match[1]!), server };
}

export async function serveTsunicorn(app: string, bind: BindKind = 'ipv4', extra: readonly string[] = []): Promise<Served> {
  const address = bindAddress(bind);
  const server = start({ args: [`${APPS}${app}`, '-w', '1', '-b', address, ...extra], cwd: APPS });
  await server.waitForLog(/Ready: \d+ worker/, 30_000);
  const port = bind === 'unix' ? address.slice('unix:'.length) : (await server.waitForLog(/Listening at: \S*:(\d+)/))[1]!;
  return { name: 'tsunicorn', target: targetOf(bind, port), server };
}

function bindAddress(bind: BindKind): string {
  if (bind === 'unix') return `unix:${join(tempDir('tsu-parity-'), 'app.sock')}`;
  return bind === 'ipv6' ? '[::1]:0' : '127.0.0.1:0';
}

function targetOf(bind: BindKind, portOrPath: string): Target {
  if (bind === 'unix') return { path: portOrPath };
  return { host: bind === 'ipv6' ? '::1' : '127.0.0.1', port: Number(portOrPath) };
}

/** A request's bytes, with the Host header a client sends. */
export function request(method: string, path: string, headers: Record<string, string | number> = {}, body = ''): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: parity.test', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

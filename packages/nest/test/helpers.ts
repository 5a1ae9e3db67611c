/**
 * A plain HTTP client. Building, listening privately and serving handed-over connections go
 * through `@tsunicorn/core/testing`, which runs the worker's own sequence.
 */
import { request } from 'node:http';

export {
  buildApp,
  closePrivateListener as closeListener,
  listenPrivately,
  serveApp as handOver,
} from '@tsunicorn/core/testing';

export interface Reply {
  readonly status: number;
  readonly body: string;
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

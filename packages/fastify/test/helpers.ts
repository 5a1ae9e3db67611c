/**
 * A plain HTTP client. Building, listening privately and serving handed-over connections go
 * through `@tsunicorn/core/testing`, which runs the worker's own sequence.
 */
import { Agent, type OutgoingHttpHeaders, request } from 'node:http';

export {
  buildApp,
  closePrivateListener,
  listenPrivately,
  serveApp as handOverConnections,
} from '@tsunicorn/core/testing';

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

/** Polls `check` until it holds, at most `tries` times; no timing is asserted. */
export async function waitFor(check: () => Promise<boolean>, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not met in time');
}

export { Agent };

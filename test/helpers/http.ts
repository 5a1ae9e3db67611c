/**
 * A plain HTTP client for the end-to-end tests, and a bounded keep-alive load generator that
 * classifies every request the way Puma's restart tests do.
 */
import { Agent, request } from 'node:http';

export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One request to 127.0.0.1:port. */
export function get(
  port: number,
  path: string,
  options: { agent?: Agent; method?: string; body?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', agent: options.agent ?? false, headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.setTimeout(options.timeoutMs ?? 15_000, () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(options.body);
  });
}

export async function getJson<T = Record<string, unknown>>(port: number, path: string, agent?: Agent): Promise<T> {
  const reply = await get(port, path, agent ? { agent } : {});
  return JSON.parse(reply.body) as T;
}

/** How each request of a load run ended. */
export interface LoadResult {
  success: number;
  non2xx: number;
  reset: number;
  refused: number;
  timeout: number;
  other: number;
  /** Distinct `pid` values the app reported. */
  readonly pids: Set<number>;
  readonly errors: string[];
  readonly latenciesMs: number[];
}

export function failures(r: LoadResult): number {
  return r.non2xx + r.reset + r.refused + r.timeout + r.other;
}

/**
 * Runs `connections` clients (keep-alive unless `keepAlive` is false), each sending requests one after another to `path`
 * until `stop()` is called or `maxRequests` in all have been sent. The app must answer JSON
 * with a `pid` field.
 */
export function startLoad(
  port: number,
  options: { connections: number; path?: string; maxRequests: number; timeoutMs?: number; keepAlive?: boolean },
) {
  const result: LoadResult = {
    success: 0,
    non2xx: 0,
    reset: 0,
    refused: 0,
    timeout: 0,
    other: 0,
    pids: new Set(),
    errors: [],
    latenciesMs: [],
  };
  let stopped = false;
  let sent = 0;
  const loop = async () => {
    // Without keep-alive, every request opens a new connection (as a proxy without upstream keep-alive).
    const agent = new Agent({ keepAlive: options.keepAlive ?? true, maxSockets: 1 });
    while (!stopped && sent < options.maxRequests) {
      sent++;
      const t0 = performance.now();
      try {
        const reply = await get(port, options.path ?? '/', { agent, timeoutMs: options.timeoutMs ?? 10_000 });
        result.latenciesMs.push(performance.now() - t0);
        if (reply.status >= 200 && reply.status < 300) {
          result.success++;
          const pid = (JSON.parse(reply.body) as { pid?: number }).pid;
          if (pid) result.pids.add(pid);
        } else {
          result.non2xx++;
          result.errors.push(`status ${reply.status}`);
        }
      } catch (err) {
        classify(result, err as NodeJS.ErrnoException);
      }
    }
    agent.destroy();
  };
  const loops = Array.from({ length: options.connections }, loop);
  return {
    result,
    get sent() {
      return sent;
    },
    async stop(): Promise<LoadResult> {
      stopped = true;
      await Promise.all(loops);
      return result;
    },
  };
}

function classify(result: LoadResult, err: NodeJS.ErrnoException): void {
  const code = err.code ?? '';
  if (code === 'ECONNRESET' || /socket hang up/.test(err.message)) result.reset++;
  else if (code === 'ECONNREFUSED') result.refused++;
  else if (code === 'ETIMEDOUT') result.timeout++;
  else result.other++;
  if (result.errors.length < 20) result.errors.push(`${code} ${err.message}`);
}

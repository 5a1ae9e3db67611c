import { Agent, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { hasPathParameters, type ServedApp } from '../adapter/contract.js';
import { describeError, TsuError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { WarmupSummary } from '../protocol/messages.js';
import type { Settings } from '../settings/index.js';
import type { WarmupContext, WarmupRequest, WarmupResponse, WorkerInfo } from '../types.js';

/** Header every warm-up request carries, so an app can skip side effects for it. */
export const WARMUP_HEADER = 'x-tsunicorn-warmup';

interface WarmupInput {
  readonly app: ServedApp;
  readonly settings: Settings;
  readonly log: Logger;
  readonly worker: WorkerInfo;
}

interface Timing {
  readonly label: string;
  readonly first: number;
  readonly last: number;
}

/**
 * Sends warm-up requests through the app's real server over the worker's private loopback
 * socket (the server must be listening on it), then runs the user's `warmup(ctx)`. Requests
 * are sent in passes — every request once per pass — so V8 sees each handler several times.
 * A request that errors, answers 5xx or an unexpected status throws TSU_ERR_WARMUP naming
 * it, unless warmupStrict is off.
 */
export async function runWarmup(input: WarmupInput): Promise<WarmupSummary> {
  const { app, settings, log } = input;
  const started = performance.now();
  const deadline = started + settings.warmupTimeout * 1000;
  const client = new WarmupClient(app, deadline);
  try {
    const requests = planRequests(app, settings);
    const { timings, hits, failed } = await sendPasses(client, requests, settings, log);
    if (settings.warmup) await settings.warmup(client.context(input.worker));
    const summary = summarize(timings, hits, failed, performance.now() - started);
    report(summary, timings, app, log);
    return summary;
  } finally {
    client.close();
  }
}

/** The requests to warm: discovered routes, then the adapter's, then the configured ones. */
export function planRequests(app: ServedApp, settings: Settings): WarmupRequest[] {
  const discovered = settings.warmupRoutes
    ? app
        .routes()
        .filter((r) => (r.method === 'GET' || r.method === 'HEAD') && !hasPathParameters(r.path))
        .map((r): WarmupRequest => ({ method: r.method, url: r.path }))
    : [];
  const all = [...discovered, ...(app.warmupRequests?.() ?? []), ...settings.warmupRequests];
  const byKey = new Map<string, WarmupRequest>();
  // A configured request replaces a discovered one for the same method and URL.
  for (const req of all) byKey.set(`${req.method ?? 'GET'} ${req.url}`, req);
  return [...byKey.values()];
}

async function sendPasses(client: WarmupClient, requests: WarmupRequest[], settings: Settings, log: Logger) {
  const hitsOf = (req: WarmupRequest) => req.hits ?? settings.warmupHits;
  const passes = Math.max(0, ...requests.map(hitsOf));
  const first = new Map<WarmupRequest, number>();
  const last = new Map<WarmupRequest, number>();
  const failedRequests = new Set<WarmupRequest>();
  let hits = 0;
  for (let pass = 0; pass < passes; pass++) {
    for (const req of requests) {
      if (pass >= hitsOf(req) || failedRequests.has(req)) continue;
      const t0 = performance.now();
      const problem = await client.check(req);
      const ms = performance.now() - t0;
      hits++;
      if (pass === 0) first.set(req, ms);
      last.set(req, ms);
      if (problem === null) continue;
      if (settings.warmupStrict) throw new TsuError('TSU_ERR_WARMUP', `warm-up request ${labelOf(req)} failed: ${problem}`);
      log.warning(`Warm-up request ${labelOf(req)} failed: ${problem}`);
      failedRequests.add(req);
    }
  }
  const timings = [...first.keys()].map((req) => ({ label: labelOf(req), first: first.get(req)!, last: last.get(req)! }));
  return { timings, hits, failed: failedRequests.size };
}

function labelOf(req: WarmupRequest): string {
  return `${req.method ?? 'GET'} ${req.url}`;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

function summarize(timings: Timing[], hits: number, failed: number, totalMs: number): WarmupSummary {
  return {
    requests: timings.length,
    hits,
    firstMs: round(median(timings.map((t) => t.first))),
    lastMs: round(median(timings.map((t) => t.last))),
    totalMs: round(totalMs),
    failed,
  };
}

function report(summary: WarmupSummary, timings: Timing[], app: ServedApp, log: Logger): void {
  log.info(
    `Warm-up: ${summary.requests} requests, ${summary.hits} hits, first hit ${summary.firstMs} ms, ` +
      `last hit ${summary.lastMs} ms (medians), ${summary.totalMs} ms in all${summary.failed ? `, ${summary.failed} failed` : ''}`,
  );
  for (const note of app.notes?.() ?? []) log.info(`Warm-up note: ${note}`);
  if (!log.debugEnabled) return;
  for (const t of timings) log.debug(`Warm-up ${t.label}: first ${round(t.first)} ms, last ${round(t.last)} ms`);
}

/** Sends requests to the private warm-up socket over one keep-alive connection. */
class WarmupClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private readonly port: number;

  constructor(
    app: ServedApp,
    private readonly deadline: number,
  ) {
    this.port = (app.server.address() as AddressInfo).port;
  }

  /** Sends `req` and returns what is wrong with the answer, or null when it is as expected. */
  async check(req: WarmupRequest): Promise<string | null> {
    try {
      const res = await this.send(req);
      return statusProblem(res.status, req.expectStatus);
    } catch (err) {
      if (err instanceof TsuError) throw err;
      return describeError(err).message;
    }
  }

  send(req: WarmupRequest): Promise<WarmupResponse> {
    const remaining = this.deadline - performance.now();
    if (remaining <= 0) return Promise.reject(this.timeoutError(req));
    const { body, headers } = encodeBody(req);
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        { host: '127.0.0.1', port: this.port, agent: this.agent, method: req.method ?? 'GET', path: req.url, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      outgoing.setTimeout(remaining, () => outgoing.destroy(this.timeoutError(req)));
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  context(worker: WorkerInfo): WarmupContext {
    return { baseUrl: `http://127.0.0.1:${this.port}`, request: (req) => this.send(req), worker };
  }

  close(): void {
    this.agent.destroy();
  }

  private timeoutError(req: WarmupRequest): TsuError {
    return new TsuError('TSU_ERR_WARMUP', `warm-up did not finish within warmupTimeout; it was at ${labelOf(req)}`);
  }
}

function encodeBody(req: WarmupRequest): { body: string | undefined; headers: Record<string, string> } {
  const headers: Record<string, string> = { [WARMUP_HEADER]: '1', ...req.headers };
  if (req.body === undefined) return { body: undefined, headers };
  const isText = typeof req.body === 'string';
  const body = isText ? (req.body as string) : JSON.stringify(req.body);
  if (!isText && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  return { body, headers };
}

function statusProblem(status: number, expected: WarmupRequest['expectStatus']): string | null {
  if (expected === undefined) return status >= 500 ? `answered ${status} (expected below 500)` : null;
  const allowed = typeof expected === 'number' ? [expected] : expected;
  return allowed.includes(status) ? null : `answered ${status} (expected ${allowed.join(' or ')})`;
}

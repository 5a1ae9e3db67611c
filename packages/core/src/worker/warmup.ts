import { type AddressInfo, Server as NetServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ServedApp } from '../adapter/contract.js';
import { fillPath, guessParameter } from '../adapter/path-params.js';
import { describeError, TsuError } from '../errors.js';
import { type ConnectionHandle, takeConnections } from '../handles.js';
import type { Logger } from '../logger.js';
import type { RouteReport, WarmupSummary } from '../protocol/messages.js';
import type { Settings } from '../settings/index.js';
import type { WarmupContext, WarmupRequest, WorkerInfo } from '../types.js';
import { WARMUP_HEADER, WarmupClient } from './warmup-client.js';
import { type PlannedRoute, planWarmup, type WarmupPlan } from './warmup-plan.js';

export { WARMUP_HEADER };

/**
 * Whether a request is one of tsunicorn's warm-up requests: it carries the `x-tsunicorn-warmup`
 * header. Works with Node's, Express's, Fastify's and Nest's request objects.
 *
 * @example
 * app.post('/orders', (req, res) => { if (isWarmupRequest(req)) return res.status(204).end(); ... });
 */
export function isWarmupRequest(req: { readonly headers: Readonly<Record<string, string | string[] | undefined>> }): boolean {
  return req.headers[WARMUP_HEADER] === '1';
}

interface WarmupInput {
  readonly app: ServedApp;
  readonly settings: Settings;
  readonly log: Logger;
  readonly worker: WorkerInfo;
  /**
   * Where real connections enter the worker (the master's hand-over). When given, the last
   * pass comes through it, so that path is warm before the first real connection.
   */
  readonly handover?: (connection: ConnectionHandle) => void;
}

interface Timing {
  readonly label: string;
  readonly first: number;
  readonly last: number;
}

/** A route's warm-up as it goes: the candidate that answered, its timings, why it is cold. */
interface RouteState {
  readonly planned: PlannedRoute;
  chosen: WarmupRequest | null;
  /** Every candidate answered 4xx: the last one is still sent (its error path warms), but the route counts as cold. */
  partial?: boolean;
  status?: number;
  first?: number;
  last?: number;
  reason?: string;
}

/**
 * Sends warm-up requests through the app's real server over the worker's private loopback
 * socket (the server must be listening on it), then runs the user's `warmup(ctx)`. Requests
 * are sent in passes — every request once per pass — so V8 sees each handler several times.
 * On the first pass each route's synthesised candidates are tried in order until one answers
 * below 400; a route none of them suits is reported cold. A configured request that errors,
 * answers 5xx or an unexpected status throws TSU_ERR_WARMUP naming it, unless warmupStrict
 * is off; a synthesised one is reported instead, since the app never promised to accept it.
 */
export async function runWarmup(input: WarmupInput): Promise<WarmupSummary> {
  const { app, settings, log } = input;
  const started = performance.now();
  const deadline = started + settings.warmupTimeout * 1000;
  const client = new WarmupClient((app.server.address() as AddressInfo).port, deadline, timeoutError);
  let handedOver = 0;
  const handover = input.handover;
  const side = handover
    ? await openHandoverListener((socket) => {
        handedOver++;
        handover(socket);
      })
    : null;
  const clients = { private: client, last: side ? new WarmupClient(side.port, deadline, timeoutError) : client };
  let ended = false;
  const endWarmup = async () => {
    if (ended) return;
    ended = true;
    await app.endWarmup?.();
  };
  try {
    const plan = await planWarmup(app, settings, log, { request: (req) => client.send(req) });
    const result = await sendPasses(clients, plan, settings, log);
    if (side) log.debug(`Warm-up: the last pass came through the connection hand-over (${handedOver} connection(s))`);
    await endWarmup();
    if (settings.warmup) await settings.warmup(contextOf(client, input.worker));
    const summary = summarize(result, performance.now() - started);
    report(summary, result.timings, app, log);
    return summary;
  } finally {
    await endWarmup().catch((err) => log.warning(`Warm-up could not restore the app: ${describeError(err).message}`));
    client.close();
    clients.last.close();
    side?.close();
  }
}

export { planRequests } from './warmup-plan.js';

interface Clients {
  readonly private: WarmupClient;
  /** The one the last pass uses: through the hand-over path when there is one. */
  readonly last: WarmupClient;
}

interface PassResult {
  readonly timings: Timing[];
  readonly routes: RouteState[];
  readonly hits: number;
  readonly failed: number;
}

async function sendPasses(clients: Clients, plan: WarmupPlan, settings: Settings, log: Logger): Promise<PassResult> {
  const hitsOf = (req: WarmupRequest) => req.hits ?? settings.warmupHits;
  const routes: RouteState[] = plan.routes.map((planned) => ({ planned, chosen: null }));
  const candidates = plan.routes.flatMap((r) => r.route.candidates);
  const passes = Math.max(0, ...[...plan.requests, ...candidates].map(hitsOf));
  const first = new Map<WarmupRequest, number>();
  const last = new Map<WarmupRequest, number>();
  const failedRequests = new Set<WarmupRequest>();
  let hits = 0;
  for (let pass = 0; pass < passes; pass++) {
    const client = pass === passes - 1 ? clients.last : clients.private;
    for (const state of routes) {
      if (pass === 0) hits += await chooseCandidate(client, state, settings, log);
      else if (state.chosen && pass < hitsOf(state.chosen)) {
        const t0 = performance.now();
        const res = await client.send(state.chosen).catch((err: unknown) => describeError(err).message);
        hits++;
        state.last = performance.now() - t0;
        if (typeof res === 'string') state.reason = `failed on a later pass: ${res}`;
      }
      if (state.chosen && pass < hitsOf(state.chosen)) await warmInProcess(state, log);
    }
    for (const req of plan.requests) {
      if (pass >= hitsOf(req) || failedRequests.has(req)) continue;
      const t0 = performance.now();
      const problem = await check(client, req);
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
  for (const state of routes) {
    if (state.chosen && state.first !== undefined) {
      timings.push({ label: labelOf(state.chosen), first: state.first, last: state.last ?? state.first });
    }
  }
  return { timings, routes, hits, failed: failedRequests.size };
}

/**
 * First pass of a route: tries its candidates until one suits, and returns how many requests
 * that took. A configured request is held to expectStatus and warmupStrict, as before.
 */
async function chooseCandidate(client: WarmupClient, state: RouteState, settings: Settings, log: Logger): Promise<number> {
  const { route, configured } = state.planned;
  if (route.mode === 'skipped') return 0;
  let sent = 0;
  const statuses: number[] = [];
  for (const candidate of route.candidates) {
    const t0 = performance.now();
    let status: number;
    try {
      status = (await client.send(candidate)).status;
    } catch (err) {
      if (err instanceof TsuError) throw err;
      status = 0;
      state.reason = `request failed: ${describeError(err).message}`;
    }
    const ms = performance.now() - t0;
    sent++;
    state.status = status;
    const problem = statusProblem(status, candidate.expectStatus, configured ? undefined : 400);
    if (problem === null) {
      state.chosen = candidate;
      state.partial = false;
      state.first = ms;
      state.last = ms;
      state.reason = route.reason;
      return sent;
    }
    if (configured && settings.warmupStrict) {
      throw new TsuError('TSU_ERR_WARMUP', `warm-up request ${labelOf(candidate)} failed: ${problem}`);
    }
    statuses.push(status);
    // Only a client error says the value was wrong; another candidate cannot fix a 5xx.
    if (status < 400 || status >= 500) break;
    state.chosen = candidate;
    state.partial = true;
    state.first = ms;
    state.last = ms;
  }
  if (state.partial && state.status !== undefined && (state.status < 400 || state.status >= 500)) {
    state.chosen = null;
    state.partial = false;
  }
  const tried = sent === 1 ? 'the synthesised request' : `all ${sent} synthesised requests`;
  state.reason ??= `answered ${statuses.join(', ')} to ${tried}${state.partial ? ' (its error path is warm, its success path is not)' : ''}`;
  if (state.reason.startsWith('answered 5') || configured)
    log.warning(`Warm-up of ${route.method} ${route.path} left it cold: ${state.reason}`);
  return sent;
}

async function warmInProcess(state: RouteState, log: Logger): Promise<void> {
  const { route } = state.planned;
  if (!route.warm) return;
  try {
    await route.warm();
  } catch (err) {
    state.reason = `in-process warm-up failed: ${describeError(err).message}`;
    log.debug(`Warm-up of ${route.method} ${route.path} in process failed: ${describeError(err).stack}`);
  }
}

/** A loopback listener whose connections enter the worker the way handed-over ones do. */
async function openHandoverListener(handover: (connection: ConnectionHandle) => void): Promise<{ port: number; close(): void }> {
  const server = new NetServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => resolve());
  });
  // As the master's listeners do: each connection goes on as libuv's handle.
  takeConnections(server, handover);
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
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

function summarize(result: PassResult, totalMs: number): WarmupSummary {
  const { timings, hits, failed } = result;
  const routes = result.routes.map(toReport);
  return {
    requests: timings.length,
    hits,
    firstMs: round(median(timings.map((t) => t.first))),
    lastMs: round(median(timings.map((t) => t.last))),
    totalMs: round(totalMs),
    failed,
    ...(routes.length > 0 ? { routes } : {}),
  };
}

function toReport(state: RouteState): RouteReport {
  const { route, configured } = state.planned;
  const url = state.chosen?.url ?? route.candidates[0]?.url ?? fillPath(route.path, (p) => guessParameter(p));
  return {
    method: route.method,
    path: route.path,
    mode: configured ? 'configured' : route.mode,
    ...(url !== undefined ? { url } : {}),
    ...(state.status !== undefined ? { status: state.status } : {}),
    ...(state.first !== undefined ? { firstMs: round(state.first) } : {}),
    ...(state.last !== undefined ? { lastMs: round(state.last) } : {}),
    ...(state.reason !== undefined ? { reason: state.reason } : {}),
    cold: state.chosen === null || state.partial === true,
  };
}

function report(summary: WarmupSummary, timings: Timing[], app: ServedApp, log: Logger): void {
  const cold = summary.routes?.filter((r) => r.cold).length ?? 0;
  const routes = summary.routes ? `, ${summary.routes.length} routes (${cold} cold)` : '';
  log.info(
    `Warm-up: ${summary.requests} requests, ${summary.hits} hits, first hit ${summary.firstMs} ms, ` +
      `last hit ${summary.lastMs} ms (medians), ${summary.totalMs} ms in all${routes}${summary.failed ? `, ${summary.failed} failed` : ''}`,
  );
  for (const note of app.notes?.() ?? []) log.info(`Warm-up note: ${note}`);
  if (!log.debugEnabled) return;
  for (const t of timings) log.debug(`Warm-up ${t.label}: first ${round(t.first)} ms, last ${round(t.last)} ms`);
}

/** Sends `req` and returns what is wrong with the answer, or null when it is as expected. */
async function check(client: WarmupClient, req: WarmupRequest): Promise<string | null> {
  try {
    const res = await client.send(req);
    return statusProblem(res.status, req.expectStatus);
  } catch (err) {
    if (err instanceof TsuError) throw err;
    return describeError(err).message;
  }
}

function contextOf(client: WarmupClient, worker: WorkerInfo): WarmupContext {
  return { baseUrl: client.baseUrl, request: (req) => client.send(req), worker };
}

function timeoutError(req: WarmupRequest): TsuError {
  return new TsuError('TSU_ERR_WARMUP', `warm-up did not finish within warmupTimeout; it was at ${labelOf(req)}`);
}

/** What is wrong with a status; by default anything below `below` (500) is fine. */
function statusProblem(status: number, expected: WarmupRequest['expectStatus'], below = 500): string | null {
  if (expected === undefined) return status >= below || status === 0 ? `answered ${status} (expected below ${below})` : null;
  const allowed = typeof expected === 'number' ? [expected] : expected;
  return allowed.includes(status) ? null : `answered ${status} (expected ${allowed.join(' or ')})`;
}

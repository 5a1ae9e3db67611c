import type { IncomingMessage, ServerResponse } from 'node:http';

/** What hooks and adapters see of one worker. */
export interface WorkerInfo {
  /** Slot number 1..N; a replacement reuses the slot of the worker it replaces. */
  readonly id: number;
  /** OS process id (0 in `preFork`, before the process exists). */
  readonly pid: number;
  /** Reload generation the worker belongs to: 1 at start, +1 on every HUP. */
  readonly generation: number;
}

/** What master-side hooks see of the master. */
export interface MasterInfo {
  readonly pid: number;
  /** The resolved settings in force (after a reload, the new ones). */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Number of workers that are booted, warm and serving. */
  readonly readyWorkers: number;
}

/** Why a worker ended, as the master saw it. */
export interface WorkerExitInfo extends WorkerInfo {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** What the master had asked of it: 'retired' after drain, 'killed' after a timeout, 'crashed' otherwise. */
  readonly reason: 'retired' | 'killed' | 'crashed' | 'boot-failed';
}

/** A request the warm-up engine sends through the app before the worker takes traffic. */
export interface WarmupRequest {
  readonly method?: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string is sent as is; an object is sent as JSON with `content-type: application/json`. */
  readonly body?: string | object;
  /** Expected status code(s); by default any status below 500 is accepted. */
  readonly expectStatus?: number | readonly number[];
  /** How many times to send it; defaults to the `warmupHits` setting. */
  readonly hits?: number;
}

/** Result of one warm-up request, as `ctx.request()` returns it. */
export interface WarmupResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** Handed to a user's `warmup(ctx)` function. */
export interface WarmupContext {
  /** `http://127.0.0.1:PORT` of the worker's private warm-up socket. */
  readonly baseUrl: string;
  /** Sends one request through the full stack (it is not checked against expectStatus). */
  request(req: WarmupRequest): Promise<WarmupResponse>;
  readonly worker: WorkerInfo;
}

/** A request/response pair, as per-request hooks receive it. */
export type RequestHook = (worker: WorkerInfo, req: IncomingMessage, res: ServerResponse) => void;

/** One line of the warm-up report a worker sends with `ready`. */
export interface WarmupSummary {
  /** Distinct requests (routes and configured requests) warmed. */
  readonly requests: number;
  /** Total requests sent. */
  readonly hits: number;
  /** Median over requests of the first hit, and of the last hit, in ms. */
  readonly firstMs: number;
  readonly lastMs: number;
  /** Whole warm-up, in ms. */
  readonly totalMs: number;
  /** Requests that failed while warmupStrict is off. */
  readonly failed: number;
  /** One row per route the adapter synthesised a warm-up for (absent for apps without). */
  readonly routes?: readonly RouteReport[];
}

/** How one route was warmed, for the warm-up report. */
export interface RouteReport {
  readonly method: string;
  readonly path: string;
  /** `full stack`, `validator+serializer` or `skipped`; `configured` when warmupRequests won. */
  readonly mode: string;
  /** The request sent, when one was; the snippet for cold routes starts from it. */
  readonly url?: string;
  readonly status?: number;
  readonly firstMs?: number;
  readonly lastMs?: number;
  /** Why the route is cold (skipped, or every candidate answered 4xx), or what stays cold. */
  readonly reason?: string;
  /** True when no request of this route reached the app's code successfully. */
  readonly cold: boolean;
}

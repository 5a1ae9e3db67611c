/**
 * The master⇄worker protocol: every message either side sends over the IPC channel is one of
 * these types, sent with `send()` and read with `parse*()`. Nothing else inspects messages.
 */
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

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

/** Messages from the master to a worker. */
export type MasterMessage =
  /** A new client connection, handed over with its socket. */
  | { readonly tsu: 'conn' }
  /**
   * Stop taking connections, finish in-flight requests, close the app and exit. `spreadMs`:
   * the window over which to answer busy connections with `Connection: close` (0 when the
   * server stops and clients have nowhere to move).
   */
  | { readonly tsu: 'drain'; readonly reason: string; readonly spreadMs: number }
  /** Exit now (INT/QUIT). */
  | { readonly tsu: 'quit' }
  /** Booting took too long: run the workerAbort hook and exit. */
  | { readonly tsu: 'abort' }
  /** Reopen log files (USR1). */
  | { readonly tsu: 'reopen-logs' };

/** Messages from a worker to the master. */
export type WorkerMessage =
  /** App loaded and built; warm-up starts. */
  | { readonly tsu: 'loaded'; readonly adapter: string }
  /** Booted and warm: the master may hand it connections. */
  | { readonly tsu: 'ready'; readonly warmup: WarmupSummary }
  /** Boot failed; `appLoad` when the app itself could not be imported (exit code 4). */
  | { readonly tsu: 'boot-failed'; readonly appLoad: boolean; readonly message: string; readonly stack: string }
  /** Sent from the event loop while serving; a hung loop cannot send it. */
  | { readonly tsu: 'heartbeat'; readonly requests: number }
  /** The worker asks to be replaced (max-requests, max-memory); it keeps serving until drained. */
  | { readonly tsu: 'retire'; readonly reason: string };

const masterTypes = new Set<MasterMessage['tsu']>(['conn', 'drain', 'quit', 'abort', 'reopen-logs']);
const workerTypes = new Set<WorkerMessage['tsu']>(['loaded', 'ready', 'boot-failed', 'heartbeat', 'retire']);

/** Reads a message the master sent, or null for anything that is not ours. */
export function parseMasterMessage(raw: unknown): MasterMessage | null {
  return isTagged(raw, masterTypes) ? (raw as MasterMessage) : null;
}

/** Reads a message a worker sent, or null for anything that is not ours. */
export function parseWorkerMessage(raw: unknown): WorkerMessage | null {
  return isTagged(raw, workerTypes) ? (raw as WorkerMessage) : null;
}

function isTagged(raw: unknown, types: Set<string>): boolean {
  return typeof raw === 'object' && raw !== null && types.has((raw as { tsu?: string }).tsu as string);
}

/**
 * Sends a message to a worker; false only when its channel is closed. `child.send()` also
 * returns false when its queue is long, yet still delivers the message: treating that as a
 * failure would hand the same socket to a second worker.
 */
export function sendToWorker(child: ChildProcess, message: MasterMessage, socket?: Socket): boolean {
  if (!child.connected) return false;
  try {
    // With a callback, a write to a worker that has just died (EPIPE) reports there instead of
    // as an 'error' event; the worker's exit is handled by the master's exit listener.
    if (socket) child.send(message, socket, { keepOpen: false }, ignore);
    else child.send(message, ignore);
    return true;
  } catch {
    return false;
  }
}

const ignore = (): void => {};

/**
 * Sends a message to the master; false when there is no channel (the master is gone).
 * `written` is called once the message has been handed to the channel.
 */
export function sendToMaster(message: WorkerMessage, written?: () => void): boolean {
  if (!process.send || !process.connected) return false;
  try {
    return process.send(message, undefined, {}, written ? () => written() : undefined);
  } catch {
    return false;
  }
}

/**
 * Window over which a worker retired for a replacement spreads its `Connection: close`
 * answers, so its clients do not all reconnect at once. Measured with `pnpm bench reload`
 * (2 cores, 50 keep-alive connections, 2,000 req/s): reload-window p99 was 2.4-2.7x steady
 * with 0.5 s and 1.2-1.5x with 2 s; each reload takes about 2 s longer.
 */
export const DRAIN_SPREAD_MS = 2000;

/** File descriptor, in the worker, of the pipe its watchdog thread reports hangs on. */
export const DIAGNOSTICS_FD = 4;

/** What a worker's watchdog writes on the diagnostics pipe, one JSON object per line. */
export interface HangReport {
  readonly silentMs: number;
  readonly stack: string;
}

/**
 * The master⇄worker protocol: every message either side sends over the IPC channel is one of
 * these types, sent with `send()` and read with `parse*()`. Nothing else inspects messages.
 */
import type { ChildProcess } from 'node:child_process';

type ChildProcessHandle = Parameters<ChildProcess['send']>[1];

import type { ConnectionHandle } from '../handles.js';
import type { BindAddress } from '../settings/bind.js';
import type { RouteReport, WarmupSummary } from '../types.js';
import type { WorkerStats } from './worker-stats.js';

/**
 * A client connection as the master accepted it: libuv's TCP or pipe handle, passed to a
 * worker as it is (child_process sends it as a native handle), as node:cluster's round-robin
 * does. The master builds no JavaScript socket around it; the worker's server builds the one.
 */
export type { ConnectionHandle } from '../handles.js';
export type { RouteReport, WarmupSummary };

/** Messages from the master to a worker. */
export type MasterMessage =
  /** A new client connection, handed over with its handle (a ConnectionHandle). */
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
  | { readonly tsu: 'reopen-logs' }
  /**
   * `dispatch: shared`: accept on listening socket `index` yourself; its handle comes with the
   * message. `giveBack`: send a copy back ('listener'), which the master keeps unpolled.
   */
  | { readonly tsu: 'listen'; readonly index: number; readonly giveBack: boolean }
  /** `dispatch: reuseport`: bind a socket of your own (SO_REUSEPORT) on each of these addresses. */
  | { readonly tsu: 'listen-own'; readonly addresses: readonly BindAddress[] };

/** Messages from a worker to the master. */
export type WorkerMessage =
  /** App loaded and built; warm-up starts. */
  | { readonly tsu: 'loaded'; readonly adapter: string }
  /** Booted and warm: the master may hand it connections. */
  | { readonly tsu: 'ready'; readonly warmup: WarmupSummary }
  /** Boot failed; `appLoad` when the app itself could not be imported (exit code 4). */
  | { readonly tsu: 'boot-failed'; readonly appLoad: boolean; readonly message: string; readonly stack: string }
  /** Sent from the event loop while serving; a hung loop cannot send it. */
  | {
      readonly tsu: 'heartbeat';
      readonly requests: number;
      /** Connections with a request in flight: what least-busy dispatch compares. */
      readonly busy: number;
      /** Resident memory, for `ctl status`. */
      readonly rss: number;
      /** Per-request figures for /metrics, only when the admin listener is on. */
      readonly stats?: WorkerStats;
    }
  /** The worker asks to be replaced (max-requests, max-memory); it keeps serving until drained. */
  | { readonly tsu: 'retire'; readonly reason: string; readonly kind: RetireKind }
  /** `dispatch: shared`: a copy of listening socket `index`, handed back with the message. */
  | { readonly tsu: 'listener'; readonly index: number };

/** Why a worker asks to be replaced: max-requests (recycle), max-memory, or the app closed its server. */
export type RetireKind = 'recycle' | 'memory' | 'app-closed';

const masterTypes = new Set<MasterMessage['tsu']>(['conn', 'drain', 'quit', 'abort', 'reopen-logs', 'listen', 'listen-own']);
const workerTypes = new Set<WorkerMessage['tsu']>(['loaded', 'ready', 'boot-failed', 'heartbeat', 'retire', 'listener']);

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
 * failure would hand the same connection to a second worker. With a connection, `written`
 * runs once the message is written to the channel (the worker then holds its own copy of the
 * descriptor), or with the error when it could not be.
 */
export function sendToWorker(
  child: ChildProcess,
  message: MasterMessage,
  connection?: ConnectionHandle,
  written: (err: Error | null) => void = ignore,
): boolean {
  if (!child.connected) return false;
  try {
    // With a callback, a write to a worker that has just died (EPIPE) reports there instead of
    // as an 'error' event; the worker's exit is handled by the master's exit listener.
    if (connection) child.send(message, connection as Parameters<ChildProcess['send']>[1], {}, written);
    else child.send(message, ignore);
    return true;
  } catch {
    return false;
  }
}

const ignore = (): void => {};

/**
 * Sends a message to the master; false when there is no channel (the master is gone).
 * `written` is called once the message has been handed to the channel. `handle`: a libuv
 * handle sent with it (a listening socket, for 'listener').
 */
export function sendToMaster(message: WorkerMessage, written?: () => void, handle?: object): boolean {
  if (!process.send || !process.connected) return false;
  try {
    // `handle` is a native handle, which child_process sends as such; the typings know only sockets and servers.
    return process.send(message, handle as ChildProcessHandle, {}, written ? () => written() : undefined);
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

/** What a worker's watchdog writes on the diagnostics pipe, one JSON object per line. */
export interface HangReport {
  readonly silentMs: number;
  readonly stack: string;
}

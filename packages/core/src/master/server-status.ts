/**
 * What the master tells the operations surface (admin listener, control socket, systemd)
 * about itself, and what that surface may ask it to do. The arbiter implements both; the
 * surface never touches workers or slots directly.
 */
import type { WarmupSummary } from '../protocol/messages.js';
import type { WorkerStats } from '../protocol/worker-stats.js';

/** One worker as `ctl status` and /metrics show it. */
export interface WorkerStatus {
  readonly slot: number;
  readonly pid: number;
  readonly generation: number;
  /** booting, ready (warm and taking connections), retiring (ready, replaced once its successor is warm), draining. */
  readonly phase: 'booting' | 'ready' | 'retiring' | 'draining';
  readonly requests: number;
  /** Resident memory at the last heartbeat, in bytes; null before the first. */
  readonly rss: number | null;
  readonly uptimeMs: number;
  /** Time from spawn to ready, in ms; null while booting. */
  readonly bootMs: number | null;
  readonly warmup: WarmupSummary | null;
  /** The last heartbeat's figures; null when metrics are off or before the first beat. */
  readonly stats: WorkerStats | null;
}

/** The master at one moment. */
export interface ServerStatus {
  readonly pid: number;
  readonly generation: number;
  readonly state: 'starting' | 'running' | 'stopping';
  /** TERM was received: the shutdown delay may be running while the listeners still accept. */
  readonly stopRequested: boolean;
  /** WINCH: a new master serves. */
  readonly woundDown: boolean;
  readonly reloading: boolean;
  /** Workers wanted. */
  readonly target: number;
  /** Client connections held by the master while no worker can take them. */
  readonly waitingConnections: number;
  readonly uptimeMs: number;
  readonly workers: readonly WorkerStatus[];
}

/** How an action asked of the master ended. */
export type ActionResult = { readonly ok: true; readonly message: string } | { readonly ok: false; readonly message: string };

/**
 * What the operations surface may ask of the master. Each action runs in the master's signal
 * queue, one at a time with the signals' own.
 */
export interface ServerControls {
  status(): ServerStatus;
  /** A rolling reload; resolves once every worker is of the new generation, or with why it failed. */
  reloadAndWait(): Promise<ActionResult>;
  /** Sets the worker count; resolves once the change is asked (the caller waits for it to take effect). */
  scaleTo(workers: number): Promise<ActionResult>;
  /** Starts a graceful (TERM) or quick (INT) stop. */
  stop(how: 'graceful' | 'quick'): Promise<void>;
  /** USR1's action. */
  reopenLogsNow(): Promise<void>;
}

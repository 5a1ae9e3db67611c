/**
 * How a serving worker shows it is alive and healthy: a heartbeat from its event loop (a
 * blocked loop cannot send it, which is what the master detects), the max-memory check, and
 * the watchdog thread that captures where a blocked loop is stuck.
 */
import { Worker } from 'node:worker_threads';
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import { DIAGNOSTICS_FD } from '../protocol/handover.js';
import { type RetireKind, sendToMaster } from '../protocol/messages.js';
import type { WorkerStats } from '../protocol/worker-stats.js';
import type { Settings } from '../settings/index.js';

/** What liveness needs of the serving worker. */
export interface LivenessTarget {
  /** Requests served so far, reported with each heartbeat. */
  readonly requests: number;
  /** Connections with a request in flight, reported with each heartbeat for least-busy dispatch. */
  readonly busy: number;
  /** Whether it is already leaving (no memory check then). */
  readonly leaving: boolean;
  askRetire(reason: string, kind: RetireKind): void;
  /** Per-request figures for /metrics, when the admin listener is on. */
  stats(): WorkerStats | undefined;
}

/** Liveness, prepared during boot: `start` it once the worker serves. */
export interface Liveness {
  start(target: LivenessTarget): void;
}

/**
 * Starts the hang watchdog's thread now, unarmed, and returns what arms it and starts the
 * heartbeat and the max-memory check. Booting a worker thread (a V8 isolate) takes the CPU for
 * a few milliseconds; done at ready, it delayed the first real requests by 4–7 ms on Node 20
 * (`pnpm bench cold-start`); done during boot, the warm-up absorbs it.
 */
export function prepareLiveness(settings: Settings, log: Logger): Liveness {
  // [0]: heartbeat ticks; [1]: 1 once the watchdog is armed.
  const ticks = new Int32Array(new SharedArrayBuffer(8));
  startWatchdog(settings, ticks, log);
  return {
    start(target) {
      Atomics.store(ticks, 1, 1);
      startHeartbeat(settings, ticks, target);
    },
  };
}

/**
 * How often a serving worker reports; several beats fit in one timeout. Least-busy dispatch
 * reads how busy each worker is from these beats, so it gets one every 250 ms at least.
 */
export function heartbeatInterval(timeoutSeconds: number, balance: Settings['balance'] = 'round-robin'): number {
  const interval = timeoutSeconds === 0 ? 1000 : Math.max(100, Math.min(1000, (timeoutSeconds * 1000) / 4));
  return balance === 'least-busy' ? Math.min(interval, 250) : interval;
}

function startHeartbeat(settings: Settings, ticks: Int32Array, target: LivenessTarget): void {
  setInterval(
    () => {
      Atomics.add(ticks, 0, 1);
      const beat = { tsu: 'heartbeat', requests: target.requests, busy: target.busy, rss: process.memoryUsage.rss() } as const;
      const stats = target.stats();
      sendToMaster(stats ? { ...beat, stats } : beat);
      checkMemory(settings.maxMemory, target);
    },
    heartbeatInterval(settings.timeout, settings.balance),
  ).unref();
}

function checkMemory(limit: number, target: LivenessTarget): void {
  if (limit === 0 || target.leaving) return;
  const rss = process.memoryUsage.rss();
  if (rss > limit) target.askRetire(`RSS ${formatBytes(rss)} is over max-memory ${formatBytes(limit)}`, 'memory');
}

/** The watchdog thread reads `ticks`; when they stop for half the timeout it reports the stack. */
function startWatchdog(settings: Settings, ticks: Int32Array, log: Logger): void {
  if (settings.timeout === 0) return;
  const watchdog = new Worker(new URL('./watchdog.js', import.meta.url), {
    workerData: { ticks: ticks.buffer, thresholdMs: (settings.timeout * 1000) / 2, fd: DIAGNOSTICS_FD },
  });
  watchdog.unref();
  watchdog.on('error', (err) => log.warning(`Hang watchdog stopped: ${describeError(err).message}`));
}

function formatBytes(n: number): string {
  return `${Math.round(n / 1024 / 1024)}MB`;
}

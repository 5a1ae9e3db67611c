/**
 * Per-request figures for the master's /metrics, gathered only when the admin listener is on.
 * The worker's request counter stamps each response's start (`started()`); Node publishes each
 * finished response on a diagnostics channel when someone listens (lib/_http_server.js), which
 * avoids a 'finish' listener and a closure per response. The figures leave the worker with the
 * heartbeat.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { ServerResponse } from 'node:http';
import { type EventLoopUtilization, type IntervalHistogram, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { DURATION_BUCKETS, type WorkerStats } from '../protocol/worker-stats.js';

interface RequestMessage {
  readonly response: ServerResponse;
}

/** Where the start time of a response is kept: a symbol, so one hidden-class transition for all. */
const startedAt = Symbol('tsunicorn.startedAt');
type Timed = ServerResponse & { [startedAt]?: number };

/** Counts the app server's requests by status class and duration. */
export class RequestMetrics {
  private readonly classes = [0, 0, 0, 0, 0];
  private readonly buckets = new Array<number>(DURATION_BUCKETS.length).fill(0);
  private startedCount = 0;
  private finished = 0;
  private durationSum = 0;
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private lastUtilization: EventLoopUtilization = performance.eventLoopUtilization();

  /** Starts counting the requests of `server` (the app's; warm-up is over by then). */
  constructor() {
    subscribe('http.server.response.finish', (message) => this.onFinish(message as RequestMessage));
    this.loopDelay.enable();
  }

  /** A request of the app's server began: called by the worker's request counter. */
  started(res: ServerResponse): void {
    this.startedCount++;
    (res as Timed)[startedAt] = performance.now();
  }

  private onFinish(message: RequestMessage): void {
    // Only responses stamped by started(): the app's server, after warm-up.
    const start = (message.response as Timed)[startedAt];
    if (start === undefined) return;
    this.finished++;
    const seconds = (performance.now() - start) / 1000;
    this.durationSum += seconds;
    // Stored per bucket; made cumulative when reported, off the request path.
    let i = 0;
    while (i < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[i]!) i++;
    if (i < DURATION_BUCKETS.length) this.buckets[i]!++;
    const statusClass = Math.floor(message.response.statusCode / 100) - 1;
    if (statusClass >= 0 && statusClass < 5) this.classes[statusClass]!++;
  }

  /** The figures for one heartbeat; event-loop figures cover the time since the previous one. */
  report(): WorkerStats {
    const memory = process.memoryUsage();
    const utilization = performance.eventLoopUtilization(this.lastUtilization);
    this.lastUtilization = performance.eventLoopUtilization();
    const stats: WorkerStats = {
      statusClasses: [...this.classes],
      inFlight: this.startedCount - this.finished,
      durationBuckets: cumulative(this.buckets),
      durationSum: this.durationSum,
      durationCount: this.finished,
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      loopDelayMean: nanosToSeconds(this.loopDelay.mean),
      loopDelayP99: nanosToSeconds(this.loopDelay.percentile(99)),
      loopDelayMax: nanosToSeconds(this.loopDelay.max),
      loopUtilization: utilization.utilization,
    };
    this.loopDelay.reset();
    return stats;
  }
}

function cumulative(counts: readonly number[]): number[] {
  let total = 0;
  return counts.map((n) => (total += n));
}

function nanosToSeconds(n: number): number {
  return Number.isFinite(n) ? n / 1e9 : 0;
}

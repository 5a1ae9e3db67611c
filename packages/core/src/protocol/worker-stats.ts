/**
 * What a worker reports about itself with each heartbeat when metrics are on (the admin
 * listener is set). Counters are totals since the worker started; the master turns them into
 * Prometheus series. Collected at the heartbeat's fixed interval, never per request.
 */
export interface WorkerStats {
  /** Responses finished, by status class: index 0 is 1xx … index 4 is 5xx. */
  readonly statusClasses: readonly number[];
  /** Requests started and not yet finished. */
  readonly inFlight: number;
  /** Cumulative counts per bucket of DURATION_BUCKETS (each count includes the smaller buckets'). */
  readonly durationBuckets: readonly number[];
  /** Sum of all request durations, in seconds. */
  readonly durationSum: number;
  readonly durationCount: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  /** Event-loop delay since the last report, in seconds. */
  readonly loopDelayMean: number;
  readonly loopDelayP99: number;
  readonly loopDelayMax: number;
  /** Event-loop utilisation (0..1) since the last report. */
  readonly loopUtilization: number;
}

/** Upper bounds, in seconds, of the request duration histogram (Prometheus client defaults). */
export const DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

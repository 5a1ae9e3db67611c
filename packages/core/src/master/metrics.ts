/**
 * The master's /metrics: Prometheus text exposition format 0.0.4, written to the spec
 * (https://prometheus.io/docs/instrumenting/exposition_formats/). Worker figures arrive with
 * the heartbeats (fixed interval, never per request) and are rendered only when scraped.
 *
 * Per-worker series are labelled with the slot (`worker="1"`), which outlives processes: a
 * slot's counters are the sum of its exited workers' last reports and its live workers'
 * latest, so they never go down when a worker is replaced (prom-client's cluster aggregator
 * has no such memory and its counters jump back at each restart).
 */
import { DURATION_BUCKETS, type WorkerStats } from '../protocol/worker-stats.js';
import type { ServerStatus, WorkerStatus } from './server-status.js';

/** Why a worker was replaced, for tsunicorn_worker_restarts_total. */
export type RestartReason = 'reload' | 'recycle' | 'memory' | 'crash' | 'hang';

/** How a reload ended, for tsunicorn_reloads_total. */
export type ReloadResult = 'ok' | 'failed' | 'superseded';

type Labels = Record<string, string>;
type Sample = readonly [Labels, number];

interface Totals {
  classes: number[];
  buckets: number[];
  sum: number;
  count: number;
}

const emptyTotals = (): Totals => ({ classes: [0, 0, 0, 0, 0], buckets: DURATION_BUCKETS.map(() => 0), sum: 0, count: 0 });

/** Counters the master keeps itself: restarts, reloads and the figures of exited workers. */
export class MetricsBook {
  private readonly restarts = new Map<string, number>();
  private readonly reloads: Record<ReloadResult, number> = { ok: 0, failed: 0, superseded: 0 };
  private readonly exitedTotals = new Map<number, Totals>();

  restarted(slot: number, reason: RestartReason): void {
    const key = `${slot}\u0000${reason}`;
    this.restarts.set(key, (this.restarts.get(key) ?? 0) + 1);
  }

  reloaded(result: ReloadResult): void {
    this.reloads[result]++;
  }

  /** Keeps an exited worker's last report in its slot's totals. */
  workerExited(slot: number, last: WorkerStats | null): void {
    if (!last) return;
    const totals = this.exitedTotals.get(slot) ?? emptyTotals();
    addStats(totals, last);
    this.exitedTotals.set(slot, totals);
  }

  /** The whole exposition. */
  render(status: ServerStatus, ready: boolean): string {
    const slots = [...new Set([...status.workers.map((w) => w.slot), ...this.exitedTotals.keys()])].sort((a, b) => a - b);
    return [...this.renderMaster(status, ready), ...this.renderWorkers(status.workers, slots)].join('');
  }

  private renderMaster(status: ServerStatus, ready: boolean): string[] {
    const phases = ['booting', 'ready', 'retiring', 'draining'] as const;
    const restarts = [...this.restarts].map(([key, n]): Sample => {
      const [worker, reason] = key.split('\u0000') as [string, string];
      return [{ worker, reason }, n];
    });
    const warm = status.workers.filter((w) => w.warmup !== null);
    const byGen = (w: WorkerStatus) => ({ worker: String(w.slot), generation: String(w.generation) });
    return [
      family('tsunicorn_up', 'gauge', 'The master loop runs.', [[{}, 1]]),
      family('tsunicorn_ready', 'gauge', 'Whether /readyz answers 200.', [[{}, ready ? 1 : 0]]),
      family('tsunicorn_generation', 'gauge', 'Current generation (1, then one more per reload).', [[{}, status.generation]]),
      family('tsunicorn_workers_wanted', 'gauge', 'Workers the master keeps.', [[{}, status.target]]),
      family(
        'tsunicorn_workers',
        'gauge',
        'Worker processes by state.',
        phases.map((state) => [{ state }, status.workers.filter((w) => w.phase === state).length]),
      ),
      family('tsunicorn_connections_waiting', 'gauge', 'Client connections the master holds while no worker can take them.', [
        [{}, status.waitingConnections],
      ]),
      family(
        'tsunicorn_reloads_total',
        'counter',
        'Rolling reloads by result.',
        (Object.keys(this.reloads) as ReloadResult[]).map((result) => [{ result }, this.reloads[result]]),
      ),
      family('tsunicorn_worker_restarts_total', 'counter', 'Workers replaced, by slot and reason.', restarts),
      family(
        'tsunicorn_worker_boot_seconds',
        'gauge',
        'Time from spawn to warm and ready.',
        warm.map((w) => [byGen(w), (w.bootMs ?? 0) / 1000]),
      ),
      family(
        'tsunicorn_worker_warmup_seconds',
        'gauge',
        'Whole warm-up of the worker.',
        warm.map((w) => [byGen(w), w.warmup!.totalMs / 1000]),
      ),
      family(
        'tsunicorn_worker_warmup_first_hit_seconds',
        'gauge',
        'Median over warm-up requests of the first hit (cold).',
        warm.map((w) => [byGen(w), w.warmup!.firstMs / 1000]),
      ),
      family(
        'tsunicorn_worker_warmup_last_hit_seconds',
        'gauge',
        'Median over warm-up requests of the last hit (warm).',
        warm.map((w) => [byGen(w), w.warmup!.lastMs / 1000]),
      ),
    ];
  }

  private renderWorkers(workers: readonly WorkerStatus[], slots: number[]): string[] {
    const totals = slots.map((slot) => [String(slot), this.slotTotals(slot, workers)] as const);
    const latest = slots
      .map((slot) => [String(slot), newestStats(workers.filter((w) => w.slot === slot))] as const)
      .filter((entry): entry is readonly [string, WorkerStats] => entry[1] !== null);
    const gauge = (name: string, help: string, pick: (s: WorkerStats) => number) =>
      family(
        name,
        'gauge',
        help,
        latest.map(([worker, s]) => [{ worker }, pick(s)]),
      );
    const inFlight = slots.map((slot): Sample => {
      const live = workers.filter((w) => w.slot === slot);
      return [{ worker: String(slot) }, live.reduce((n, w) => n + (w.stats?.inFlight ?? 0), 0)];
    });
    return [
      family(
        'tsunicorn_http_requests_total',
        'counter',
        'Responses finished, by worker slot and status class.',
        totals.flatMap(([worker, t]) => t.classes.map((n, i): Sample => [{ worker, status_class: `${i + 1}xx` }, n])),
      ),
      family('tsunicorn_http_requests_in_flight', 'gauge', 'Requests being served.', inFlight),
      histogram('tsunicorn_http_request_duration_seconds', 'Time from request to finished response.', totals),
      gauge('tsunicorn_worker_resident_memory_bytes', 'Resident memory (RSS) of the worker.', (s) => s.rss),
      gauge('tsunicorn_worker_heap_used_bytes', 'V8 heap used.', (s) => s.heapUsed),
      gauge('tsunicorn_worker_heap_total_bytes', 'V8 heap allocated.', (s) => s.heapTotal),
      gauge('tsunicorn_worker_eventloop_delay_mean_seconds', 'Mean event-loop delay since the previous report.', (s) => s.loopDelayMean),
      gauge(
        'tsunicorn_worker_eventloop_delay_p99_seconds',
        '99th percentile of event-loop delay since the previous report.',
        (s) => s.loopDelayP99,
      ),
      gauge('tsunicorn_worker_eventloop_delay_max_seconds', 'Longest event-loop delay since the previous report.', (s) => s.loopDelayMax),
      gauge('tsunicorn_worker_eventloop_utilization', 'Event-loop utilisation (0..1) since the previous report.', (s) => s.loopUtilization),
    ];
  }

  private slotTotals(slot: number, workers: readonly WorkerStatus[]): Totals {
    const totals = emptyTotals();
    const exited = this.exitedTotals.get(slot);
    if (exited) addTotals(totals, exited);
    for (const w of workers) if (w.slot === slot && w.stats) addStats(totals, w.stats);
    return totals;
  }
}

function addStats(into: Totals, s: WorkerStats): void {
  addTotals(into, { classes: [...s.statusClasses], buckets: [...s.durationBuckets], sum: s.durationSum, count: s.durationCount });
}

function addTotals(into: Totals, t: Totals): void {
  for (const [i, n] of t.classes.entries()) into.classes[i]! += n;
  for (const [i, n] of t.buckets.entries()) into.buckets[i]! += n;
  into.sum += t.sum;
  into.count += t.count;
}

function newestStats(workers: readonly WorkerStatus[]): WorkerStats | null {
  const reporting = workers.filter((w) => w.stats !== null);
  return reporting.length === 0 ? null : reporting.reduce((a, b) => (b.uptimeMs < a.uptimeMs ? b : a)).stats;
}

function histogram(name: string, help: string, totals: readonly (readonly [string, Totals])[]): string {
  const samples: string[] = [];
  for (const [worker, t] of totals) {
    for (const [i, le] of DURATION_BUCKETS.entries()) samples.push(sample(`${name}_bucket`, { worker, le: String(le) }, t.buckets[i]!));
    samples.push(sample(`${name}_bucket`, { worker, le: '+Inf' }, t.count));
    samples.push(sample(`${name}_sum`, { worker }, t.sum));
    samples.push(sample(`${name}_count`, { worker }, t.count));
  }
  return `# HELP ${name} ${help}\n# TYPE ${name} histogram\n${samples.join('')}`;
}

function family(name: string, type: 'gauge' | 'counter', help: string, samples: readonly Sample[]): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${samples.map(([labels, value]) => sample(name, labels, value)).join('')}`;
}

function sample(name: string, labels: Labels, value: number): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return `${name}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${formatValue(value)}\n`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(n);
}

/** The Content-Type of the text exposition format. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

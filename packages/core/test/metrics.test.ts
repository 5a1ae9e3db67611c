import { describe, expect, it } from 'vitest';
import { parsePrometheus } from '../../../test/helpers/prometheus.js';
import { MetricsBook } from '../src/master/metrics.js';
import type { ServerStatus, WorkerStatus } from '../src/master/server-status.js';
import { DURATION_BUCKETS, type WorkerStats } from '../src/protocol/worker-stats.js';

function stats(ok: number, errors = 0): WorkerStats {
  return {
    statusClasses: [0, ok, 0, 0, errors],
    inFlight: 1,
    durationBuckets: DURATION_BUCKETS.map(() => ok + errors),
    durationSum: (ok + errors) * 0.001,
    durationCount: ok + errors,
    rss: 50e6,
    heapUsed: 10e6,
    heapTotal: 20e6,
    loopDelayMean: 0.01,
    loopDelayP99: 0.02,
    loopDelayMax: 0.03,
    loopUtilization: 0.5,
  };
}

function worker(slot: number, pid: number, s: WorkerStats | null, generation = 1): WorkerStatus {
  return { slot, pid, generation, phase: 'ready', requests: 0, rss: 1e6, uptimeMs: 1000, bootMs: 100, warmup: null, stats: s };
}

function status(workers: WorkerStatus[]): ServerStatus {
  return {
    pid: 1,
    generation: 1,
    state: 'running',
    stopRequested: false,
    woundDown: false,
    reloading: false,
    target: 2,
    waitingConnections: 0,
    uptimeMs: 1000,
    workers,
  };
}

/** The value of the sample `name` with `labels` (a histogram's _bucket, _sum, _count included). */
function value(text: string, name: string, labels: Record<string, string>): number | undefined {
  const families = parsePrometheus(text);
  const family = families.get(name) ?? families.get(name.replace(/_(bucket|sum|count)$/, ''));
  return family?.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe('MetricsBook', () => {
  it("keeps a slot's counters growing when its worker is replaced", () => {
    const book = new MetricsBook();
    expect(
      value(book.render(status([worker(1, 10, stats(5))]), true), 'tsunicorn_http_requests_total', { worker: '1', status_class: '2xx' }),
    ).toBe(5);
    book.workerExited(1, stats(7, 1));
    book.restarted(1, 'recycle');
    const after = book.render(status([worker(1, 11, stats(2))]), true);
    expect(value(after, 'tsunicorn_http_requests_total', { worker: '1', status_class: '2xx' })).toBe(9);
    expect(value(after, 'tsunicorn_http_requests_total', { worker: '1', status_class: '5xx' })).toBe(1);
    expect(value(after, 'tsunicorn_http_request_duration_seconds_count', { worker: '1' })).toBe(10);
    expect(value(after, 'tsunicorn_http_request_duration_seconds_bucket', { worker: '1', le: '+Inf' })).toBe(10);
    expect(value(after, 'tsunicorn_worker_restarts_total', { worker: '1', reason: 'recycle' })).toBe(1);
  });

  it('sums two live workers of one slot (a successor warming beside its predecessor) into one series', () => {
    const book = new MetricsBook();
    const text = book.render(status([worker(1, 10, stats(3)), worker(1, 11, stats(4), 2)]), false);
    expect(value(text, 'tsunicorn_http_requests_total', { worker: '1', status_class: '2xx' })).toBe(7);
    expect(value(text, 'tsunicorn_http_requests_in_flight', { worker: '1' })).toBe(2);
    expect(value(text, 'tsunicorn_ready', {})).toBe(0);
  });

  it('counts reloads by result', () => {
    const book = new MetricsBook();
    book.reloaded('ok');
    book.reloaded('failed');
    book.reloaded('failed');
    const text = book.render(status([]), true);
    expect(value(text, 'tsunicorn_reloads_total', { result: 'ok' })).toBe(1);
    expect(value(text, 'tsunicorn_reloads_total', { result: 'failed' })).toBe(2);
    expect(value(text, 'tsunicorn_reloads_total', { result: 'superseded' })).toBe(0);
  });
});

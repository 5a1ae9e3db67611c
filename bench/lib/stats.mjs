/**
 * Summaries of a load result: failures by class and latency percentiles, for all requests or
 * only those sent inside (or outside) given time windows.
 */
import { FAILURES, OUTCOME, OUTCOMES } from './classify.mjs';

/** The p-th percentile (0..100) of an ascending-sorted array, nearest-rank; NaN when empty. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** The median of numbers in any order; NaN when empty. */
export function median(values) {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** Whether a time falls in one of the windows ({ start, end } in the same clock). */
export function inWindows(at, windows) {
  for (const w of windows) if (at >= w.start && at <= w.end) return true;
  return false;
}

/**
 * Counts outcomes and collects the latencies of the requests whose send time `keep(at)` accepts.
 * @returns {{ requests: number, failed: number, byClass: Record<string, number>, latency: { p50: number, p99: number, max: number, count: number } }}
 */
export function summarize(result, keep = () => true) {
  const counts = new Array(OUTCOMES.length).fill(0);
  const latencies = [];
  for (let i = 0; i < result.count; i++) {
    const at = result.starts[i];
    if (!keep(at)) continue;
    counts[result.outcomes[i]]++;
    // Latency percentiles are of answered requests; failures are counted by class instead.
    if (result.outcomes[i] === OUTCOME.success) latencies.push(result.latencies[i]);
  }
  const sorted = Float64Array.from(latencies).sort();
  const byClass = Object.fromEntries(FAILURES.map((name) => [name, counts[OUTCOME[name]]]));
  return {
    requests: counts.reduce((a, b) => a + b, 0),
    failed: counts.reduce((a, b) => a + b, 0) - counts[OUTCOME.success],
    byClass,
    latency: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN, count: sorted.length },
  };
}

/** Requests per second sent between two times. */
export function throughput(result, from, to) {
  let n = 0;
  for (let i = 0; i < result.count; i++) if (result.starts[i] >= from && result.starts[i] < to) n++;
  return to > from ? (n * 1000) / (to - from) : Number.NaN;
}

/**
 * Per-request records kept in growable typed arrays: a full-load minute is around a million
 * requests, which as objects would cost the load generator more GC than the server it measures.
 */

/** Wall-clock milliseconds (fractional) on the same scale as `Date.now()`, for lining up with server logs. */
export function now() {
  return performance.timeOrigin + performance.now();
}

/** Failure samples kept with their detail; the counts stay exact beyond it. */
const MAX_FAILURE_SAMPLES = 2000;

/** Records each request's start time, latency and outcome code, plus samples of failures. */
export class Recorder {
  count = 0;
  starts = new Float64Array(1 << 16);
  latencies = new Float64Array(1 << 16);
  outcomes = new Uint8Array(1 << 16);
  /** @type {{ at: number, outcome: number, detail: string, connection: number }[]} */
  failures = [];

  /** Adds one request. `detail` describes a failure (status or error). */
  add(start, latency, outcome, detail, connection) {
    if (this.count === this.starts.length) this.grow();
    this.starts[this.count] = start;
    this.latencies[this.count] = latency;
    this.outcomes[this.count] = outcome;
    this.count++;
    if (outcome !== 0 && this.failures.length < MAX_FAILURE_SAMPLES) {
      this.failures.push({ at: start, outcome, detail, connection });
    }
  }

  grow() {
    const size = this.starts.length * 2;
    this.starts = copyInto(new Float64Array(size), this.starts);
    this.latencies = copyInto(new Float64Array(size), this.latencies);
    this.outcomes = copyInto(new Uint8Array(size), this.outcomes);
  }

  /** The records trimmed to their count (views, not copies). */
  snapshot() {
    return {
      count: this.count,
      starts: this.starts.subarray(0, this.count),
      latencies: this.latencies.subarray(0, this.count),
      outcomes: this.outcomes.subarray(0, this.count),
      failures: this.failures,
    };
  }
}

function copyInto(target, source) {
  target.set(source);
  return target;
}

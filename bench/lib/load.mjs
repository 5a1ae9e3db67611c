/**
 * A keep-alive HTTP load generator that classifies every request.
 *
 * N connections, each a loop of sequential GET requests over its own node:http Agent
 * (`keepAlive: true, maxSockets: 1`), so each loop is one client that reuses its socket for as
 * long as the server lets it and opens a new one when the server says `Connection: close` or
 * the socket dies. Nothing is retried: a request that fails is recorded with its class.
 *
 * Rate: a total target in requests per second, split evenly over the connections, or
 * `Infinity` (each loop sends its next request as soon as the previous one is answered).
 * A loop that falls behind its schedule skips the missed slots instead of bursting to catch up.
 *
 * @example
 *   const load = startLoad({ url: 'http://127.0.0.1:8000/health', connections: 50, rate: 2000 });
 *   // … do things to the server …
 *   const result = await load.stop();
 */
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { classifyError, classifyStatus, describeError, OUTCOME } from './classify.mjs';
import { now, Recorder } from './recorder.mjs';

export { now } from './recorder.mjs';

/**
 * @typedef {object} LoadOptions
 * @property {string} url           Target URL (http only), e.g. http://127.0.0.1:8000/health.
 * @property {number} [connections] Concurrent keep-alive connections (default 50).
 * @property {number} [rate]        Total requests per second, or Infinity (default).
 * @property {number} [durationMs]  Stop after this long even if `stop()` is never called (default 10 min).
 * @property {number} [maxRequests] Stop after this many requests in all (default 20 million).
 * @property {number} [timeoutMs]   A request with no socket activity this long is a timeout (default 10 s).
 */

/**
 * @typedef {object} LoadResult
 * @property {number} startedAt  Wall-clock ms when the first loop started.
 * @property {number} endedAt    Wall-clock ms when the last loop ended.
 * @property {number} count      Requests recorded.
 * @property {Float64Array} starts     Per request: wall-clock ms it was sent.
 * @property {Float64Array} latencies  Per request: ms until its response ended or it failed.
 * @property {Uint8Array} outcomes     Per request: outcome code (see classify.mjs OUTCOMES).
 * @property {{ at: number, outcome: number, detail: string, connection: number }[]} failures  Samples.
 */

/**
 * Starts the load; it runs until `stop()`, the duration or the request count.
 * @param {LoadOptions} options
 * @returns {{ stop: () => Promise<LoadResult>, done: Promise<LoadResult>, sent: () => number }}
 */
export function startLoad(options) {
  const settings = resolveOptions(options);
  const recorder = new Recorder();
  const control = { stopped: false, deadline: now() + settings.durationMs, recorder, settings };
  const startedAt = now();
  const loops = Array.from({ length: settings.connections }, (_, index) => runConnection(index, control));
  const done = Promise.all(loops).then(() => ({ startedAt, endedAt: now(), ...recorder.snapshot() }));
  return {
    done,
    sent: () => recorder.count,
    stop() {
      control.stopped = true;
      return done;
    },
  };
}

function resolveOptions(options) {
  const target = new URL(options.url);
  if (target.protocol !== 'http:') throw new Error(`startLoad: only http: URLs are supported, got ${options.url}`);
  const connections = options.connections ?? 50;
  const rate = options.rate ?? Number.POSITIVE_INFINITY;
  return {
    host: target.hostname,
    port: Number(target.port || 80),
    path: `${target.pathname}${target.search}`,
    connections,
    intervalMs: Number.isFinite(rate) ? (1000 * connections) / rate : 0,
    durationMs: options.durationMs ?? 600_000,
    maxRequests: options.maxRequests ?? 20_000_000,
    timeoutMs: options.timeoutMs ?? 10_000,
  };
}

/** One client: sequential requests over one keep-alive socket (re-opened when it closes). */
async function runConnection(index, control) {
  const { settings, recorder } = control;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  // Stagger the loops across one interval so a rate-limited load is smooth, not 50 at a time.
  let nextAt = now() + (settings.intervalMs * index) / settings.connections;
  try {
    while (!control.stopped && recorder.count < settings.maxRequests && now() < control.deadline) {
      if (settings.intervalMs > 0) {
        const wait = nextAt - now();
        if (wait > 0) await sleep(wait);
        nextAt = Math.max(nextAt + settings.intervalMs, now());
        if (control.stopped) break;
      }
      const start = now();
      const { outcome, detail } = await send(agent, settings);
      recorder.add(start, now() - start, outcome, detail, index);
    }
  } finally {
    agent.destroy();
  }
}

/** Sends one GET and settles with its outcome; never rejects. */
function send(agent, { host, port, path, timeoutMs }) {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome, detail = '') => {
      if (settled) return;
      settled = true;
      resolve({ outcome, detail });
    };
    const fail = (err) => settle(classifyError(err), describeError(err));
    const req = request({ agent, host, port, path, method: 'GET' }, (res) => {
      res.on('data', discard);
      res.on('end', () => settle(classifyStatus(res.statusCode), res.statusCode >= 300 ? `HTTP ${res.statusCode}` : ''));
      res.on('error', fail);
      res.on('close', () => {
        if (!res.complete) settle(OUTCOME.reset, 'response closed before its end');
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(timeoutError(timeoutMs)));
    req.on('error', fail);
    req.end();
  });
}

function discard() {}

function timeoutError(ms) {
  return Object.assign(new Error(`no socket activity for ${ms} ms`), { code: 'ETIMEDOUT' });
}

/**
 * The app's own counters: how many requests reached each route's handler in this process,
 * and how many of them were tsunicorn warm-up requests. `GET /__stats` returns them, so a
 * test can check that warm-up reached the handlers before the first real request.
 */
export function createStats() {
  const routes = new Map();
  let requests = 0;
  let warmup = 0;

  /** A preHandler hook: it runs just before a route's handler, after validation passed. */
  function record(request, _reply, done) {
    const url = request.routeOptions.url;
    // The 404 handler has no route URL; only routes are counted.
    if (url !== undefined) {
      const key = `${request.method} ${url}`;
      const entry = routes.get(key) ?? { hits: 0, warmup: 0 };
      const isWarmup = request.headers['x-tsunicorn-warmup'] === '1';
      entry.hits++;
      if (isWarmup) entry.warmup++;
      routes.set(key, entry);
      requests++;
      if (isWarmup) warmup++;
    }
    done();
  }

  function snapshot() {
    return { pid: process.pid, requests, warmup, routes: Object.fromEntries(routes) };
  }

  return { record, snapshot };
}

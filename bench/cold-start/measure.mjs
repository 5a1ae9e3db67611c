/**
 * The measurement itself, on one freshly started server. One keep-alive connection per
 * worker, all opened before any request: the master deals connections out round-robin (both
 * tsunicorn and node:cluster do), so each lands on a different worker that has served no
 * client yet. Then, one connection after the other: every route once (its first request in
 * that worker), then `passes` more rounds over all routes for the steady state.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { openConnection } from './http-client.mjs';
import { serverPidOf } from './socket-owner.mjs';
import { maxBy, median } from './stats.mjs';

/**
 * @param {{ host: string, port: number }} server
 * @param {object[]} requests the route list, the same for both contenders
 * @param {{ workers: number, passes: number, steadyPasses: number, connectWaitMs: number }} options
 * @returns {Promise<{ samples: Sample[], duplicates: number }>} one sample per distinct worker reached
 */
export async function measureServer(server, requests, { workers, passes, steadyPasses, connectWaitMs, idleMs = 0 }) {
  const conns = [];
  try {
    for (let i = 0; i < workers; i++) conns.push(await openConnection(server.host, server.port));
    // The master accepts, then hands each socket to a worker over IPC; let that finish so a
    // first request's latency is the worker's alone.
    await sleep(connectWaitMs);
    const pids = conns.map((c) => serverPidOf(c.socket));
    // Running `ss` costs CPU on a small machine: let that pass too.
    await sleep(connectWaitMs);
    const samples = [];
    let duplicates = 0;
    for (const [i, conn] of conns.entries()) {
      // Two connections on one worker: the second would meet routes the first just warmed.
      if (pids[i] !== null && pids.indexOf(pids[i]) !== i) {
        duplicates++;
        continue;
      }
      const sample = await measureConnection(conn, requests, passes, steadyPasses, idleMs);
      sample.idleWarmMs = await measureIdleWarm(conn, requests[0], 2 * connectWaitMs);
      samples.push({ pid: pids[i], ...sample });
    }
    return { samples, duplicates };
  } finally {
    for (const conn of conns) conn.close();
  }
}

async function measureConnection(conn, requests, passes, steadyPasses, idleMs) {
  const first = [];
  for (const req of requests) {
    if (idleMs > 0) await sleep(idleMs);
    first.push(await conn.send(req));
  }
  const later = requests.map(() => []);
  for (let pass = 0; pass < passes; pass++) {
    for (const [i, req] of requests.entries()) later[i].push(await conn.send(req));
  }
  // The warm-after-idle control of each route: the same route, after the same pause, on the
  // same process now long warm. Any request after an idle pause costs more than one in a tight
  // loop (sleeping CPU, cold caches), so this, not the steady median, is the floor a first
  // request can reach.
  const control = [];
  if (idleMs > 0) {
    for (const req of requests) {
      await sleep(idleMs);
      control.push(await conn.send(req));
    }
  }
  return summarize(requests, first, later, steadyPasses, control);
}

/**
 * The control for the worker's very first request: the same request, now warm, after the
 * same idle pause that preceded the first one. A process that sat idle answers its next
 * request slower whether or not anything is lazy (sleeping CPU, cold caches), so the first
 * request's excess over this, not over the back-to-back steady state, is what laziness costs.
 */
async function measureIdleWarm(conn, req, idleMs) {
  const times = [];
  for (let i = 0; i < 3; i++) {
    await sleep(idleMs);
    times.push((await conn.send(req)).ms);
  }
  return median(times);
}

function summarize(requests, first, later, steadyPasses, control) {
  const routes = requests.map((req, i) => {
    const steadyMs = median(later[i].slice(-steadyPasses).map((s) => s.ms));
    const idleMs = control[i]?.ms;
    return {
      route: `${req.method} ${req.url}`,
      firstMs: first[i].ms,
      steadyMs,
      ratio: first[i].ms / steadyMs,
      ...(idleMs === undefined ? {} : { idleMs, idleRatio: first[i].ms / idleMs }),
      firstStatus: first[i].status,
      steadyStatus: later[i].at(-1).status,
    };
  });
  const worst = maxBy(routes, (r) => r.ratio);
  const worstIdle = control.length > 0 ? maxBy(routes, (r) => r.idleRatio) : undefined;
  return {
    routes,
    ...(worstIdle
      ? { medianIdleRatio: median(routes.map((r) => r.idleRatio)), worstIdleRatio: worstIdle.idleRatio, worstIdleRoute: worstIdle.route }
      : {}),
    medianRatio: median(routes.map((r) => r.ratio)),
    worstRatio: worst.ratio,
    worstRoute: worst.route,
    // The worker's very first request: besides its route, it meets whatever the process
    // still does lazily for any request.
    veryFirstMs: first[0].ms,
    firstTotalMs: routes.reduce((sum, r) => sum + r.firstMs, 0),
    steadyTotalMs: routes.reduce((sum, r) => sum + r.steadyMs, 0),
  };
}

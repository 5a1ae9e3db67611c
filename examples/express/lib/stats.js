/**
 * The app's own counters, per process: how many requests each route served and how many of
 * them were tsunicorn warm-up requests. `GET /__stats` shows them; they prove that warm-up
 * reached the handlers before the first real request.
 */
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';

const WARMUP_HEADER = 'x-tsunicorn-warmup';
const require = createRequire(import.meta.url);

/** 'GET /api/users/:id' → { served, warmup } */
const routes = new Map();
/** Modules loaded on first use, by name: set by the modules themselves. */
const loadedModules = new Set();

/** Whether a request is one of tsunicorn's warm-up requests (skip side effects for it). */
export function isWarmup(req) {
  return req.headers[WARMUP_HEADER] === '1';
}

/** Marks a lazily imported module as loaded in this process. */
export function markLoaded(name) {
  loadedModules.add(name);
}

/**
 * Middleware counting each response under the route that handled it (`unmatched` when no
 * route did, e.g. a 404), once the response is finished.
 */
export function countRequests(req, res, next) {
  res.once('finish', () => record(routeKey(req), isWarmup(req)));
  next();
}

function routeKey(req) {
  if (!req.route) return `${req.method} (unmatched)`;
  return `${req.method} ${req.baseUrl}${req.route.path === '/' && req.baseUrl ? '' : req.route.path}`;
}

function record(key, warmup) {
  const counts = routes.get(key) ?? { served: 0, warmup: 0 };
  counts.served += 1;
  if (warmup) counts.warmup += 1;
  routes.set(key, counts);
}

/**
 * Whether a CommonJS file of a package is in the module cache, i.e. was loaded by this
 * process. The cache is searched by path because the package may not be resolvable from here
 * (iconv-lite is a dependency of Express's body parser, not of this app).
 */
function isRequired(packageName, file) {
  const suffix = `${sep}node_modules${sep}${packageName}${sep}${file}`;
  return Object.keys(require.cache).some((path) => path.endsWith(suffix));
}

/** The counters, as `GET /__stats` returns them. */
export function snapshot() {
  return {
    pid: process.pid,
    routes: Object.fromEntries([...routes].sort(([a], [b]) => a.localeCompare(b))),
    loaded: {
      report: loadedModules.has('report'),
      ejs: isRequired('ejs', join('lib', 'ejs.js')),
      iconvEncodings: isRequired('iconv-lite', join('encodings', 'index.js')),
    },
  };
}

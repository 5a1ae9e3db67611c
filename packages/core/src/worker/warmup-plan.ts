/**
 * What the warm-up engine sends: per-route warm-ups synthesised by the adapter, with the
 * hand-written `warmupRequests` winning for the routes they match, and the requests that
 * belong to no route (the adapter's probes, configured URLs of routes it does not know).
 */
import { hasPathParameters, type RouteWarmup, type RouteWarmupTools, type ServedApp } from '../adapter/contract.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Settings } from '../settings/index.js';
import type { WarmupRequest } from '../types.js';

/** One route to warm: its synthesised warm-up, or the configured request that replaces it. */
export interface PlannedRoute {
  readonly route: RouteWarmup;
  /** True when a `warmupRequests` entry matched the route and replaced its candidates. */
  readonly configured: boolean;
}

/** Everything warm-up sends, in order. */
export interface WarmupPlan {
  readonly routes: readonly PlannedRoute[];
  /** Checked as configured requests are: a 5xx fails the boot when warmupStrict is on. */
  readonly requests: readonly WarmupRequest[];
}

/**
 * Builds the plan; an app without synthesis keeps the GET and HEAD routes without parameters.
 * Synthesis only improves warm-up: when it fails, the worker falls back to that and says why.
 */
export async function planWarmup(app: ServedApp, settings: Settings, log?: Logger, tools: RouteWarmupTools = noTools): Promise<WarmupPlan> {
  let synthesised: readonly RouteWarmup[] | null = null;
  try {
    synthesised = settings.warmupRoutes && app.routeWarmups ? await app.routeWarmups(tools) : null;
  } catch (err) {
    log?.warning(
      `Warm-up could not synthesise requests from the app's routes, so only discovered GET routes are warmed: ${describeError(err).message}`,
    );
  }
  const adapterRequests = app.warmupRequests?.() ?? [];
  if (synthesised === null) return { routes: [], requests: planRequests(app, settings) };
  const configured = [...settings.warmupRequests];
  const routes = synthesised.map((route): PlannedRoute => {
    const matching = configured.filter((req) => matchesRoute(route, req));
    if (matching.length === 0) return { route, configured: false };
    for (const req of matching) configured.splice(configured.indexOf(req), 1);
    return { route: { ...route, mode: 'full stack', candidates: matching, reason: undefined }, configured: true };
  });
  return { routes, requests: dedupe([...adapterRequests, ...configured]) };
}

/** For a plan made without a listening server (unit tests): every request fails. */
const noTools: RouteWarmupTools = {
  request: () => Promise.reject(new Error('no server to send requests to')),
};

/** The requests to warm: discovered routes, then the adapter's, then the configured ones. */
export function planRequests(app: ServedApp, settings: Settings): WarmupRequest[] {
  const discovered = settings.warmupRoutes
    ? app
        .routes()
        .filter((r) => (r.method === 'GET' || r.method === 'HEAD') && !hasPathParameters(r.path))
        .map((r): WarmupRequest => ({ method: r.method, url: r.path }))
    : [];
  return dedupe([...discovered, ...(app.warmupRequests?.() ?? []), ...settings.warmupRequests]);
}

/** A later request replaces an earlier one for the same method and URL. */
function dedupe(all: readonly WarmupRequest[]): WarmupRequest[] {
  const byKey = new Map<string, WarmupRequest>();
  for (const req of all) byKey.set(`${req.method ?? 'GET'} ${req.url}`, req);
  return [...byKey.values()];
}

/**
 * Whether a configured request is one for this route: same method, its path matches. Adapters
 * use it to leave a route they would warm without its handler alone when `warmupRequests`
 * names it: a configured request runs the full stack.
 */
export function matchesRoute(route: { method: string; path: string }, req: WarmupRequest): boolean {
  if ((req.method ?? 'GET').toUpperCase() !== route.method) return false;
  const path = req.url.split('?')[0] ?? req.url;
  return routePattern(route.path).test(path);
}

/**
 * A RegExp for a route path in the syntaxes the frameworks use: `:id` (with an optional
 * `(regexp)`), `*` and `*name` wildcards, `{/:optional}` groups.
 */
export function routePattern(path: string): RegExp {
  let source = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === ':') {
      const name = /^:[\w$]+/.exec(path.slice(i))?.[0] ?? ':';
      i += name.length - 1;
      if (path[i + 1] === '(') i = skipGroup(path, i + 1);
      if (path[i + 1] === '?') i++;
      source += '[^/]+';
    } else if (c === '*') {
      const name = /^\*[\w$]*/.exec(path.slice(i))?.[0] ?? '*';
      i += name.length - 1;
      source += '.*';
    } else if (c === '{') source += '(?:';
    else if (c === '}') source += ')?';
    else source += c.replace(/[.+?^$|()[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}/?$`);
}

function skipGroup(path: string, open: number): number {
  let depth = 0;
  for (let i = open; i < path.length; i++) {
    if (path[i] === '(') depth++;
    else if (path[i] === ')' && --depth === 0) return i;
  }
  return path.length - 1;
}

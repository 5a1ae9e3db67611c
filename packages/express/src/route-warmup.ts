/**
 * Synthesised warm-up for every route of an Express app, one request per declared method:
 * from the app's OpenAPI document when it has one (openapi.ts: parameters, queries, headers and
 * bodies the document declares), then with path parameters filled by name and constraint
 * (`:id` → `1`, `:id(\\d+)`, `*path` → a segment). A document's GET operations that discovery
 * does not see (a sub-app's routes) are warmed too.
 *
 * POST, PUT, PATCH and DELETE routes, unless `warmupUnsafe` is on, run everything but their
 * last handler: while warm-up runs, the route's final handler is replaced by one that answers
 * `200 {}` as JSON. The app's middleware and body parsers, the route's own middleware before
 * it (validation, authentication) and Express's JSON response path are warm; the handler that
 * would write never runs. Express reads `layer.handle` on every dispatch (4 and 5 alike), so
 * restoring it when warm-up ends leaves nothing of ours behind.
 */
import {
  fillPath,
  guessParameter,
  matchesRoute,
  type OpenApiOperation,
  pathShape,
  type RouteWarmup,
  type WarmupRequest,
} from '@tsunicorn/core';
import type { ExpressApp } from './app.js';
import { joinPaths, stringPaths, walkLayers } from './router-stack.js';

const UNSAFE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface RouteLayer {
  readonly method?: string;
  handle: unknown;
}

interface RouteWithStack {
  readonly path: unknown;
  readonly methods: Readonly<Record<string, unknown>>;
  readonly stack?: RouteLayer[];
}

/** The route warm-ups, and the function that puts the stubbed handlers back. */
export interface ExpressWarmup {
  readonly routes: RouteWarmup[];
  /** Paths of the OpenAPI operations added though discovery found no route for them. */
  readonly undiscovered: readonly string[];
  restore(): void;
}

/** One warm-up per method and string path of every route; stubs unsafe final handlers. */
export function synthesiseRouteWarmups(
  app: ExpressApp,
  unsafe: boolean,
  configured: readonly WarmupRequest[] = [],
  operations: readonly OpenApiOperation[] = [],
): ExpressWarmup {
  const warmups = new Map<string, RouteWarmup>();
  const stubbed = new Map<RouteLayer, unknown>();
  const documented = new OperationIndex(operations);
  for (const { layer, prefix } of walkLayers(app)) {
    const route = layer.route as RouteWithStack | undefined;
    if (!route) continue;
    for (const path of stringPaths(route.path)) {
      const full = joinPaths(prefix, path);
      for (const method of methodsOf(route.methods)) {
        const key = `${method} ${full}`;
        if (warmups.has(key)) continue;
        // A route named in warmupRequests runs its handler: the configured request is the user's choice.
        const stop = UNSAFE_METHODS.has(method) && !unsafe && !configured.some((req) => matchesRoute({ method, path: full }, req));
        const last = stop ? finalHandler(route, method) : undefined;
        if (stop && !last) {
          warmups.set(key, { method, path: full, mode: 'skipped', reason: 'its final handler could not be found', candidates: [] });
          continue;
        }
        if (last && !stubbed.has(last)) {
          stubbed.set(last, last.handle);
          last.handle = answerWithoutHandler;
        }
        warmups.set(key, {
          method,
          path: full,
          mode: stop ? 'validator+serializer' : 'full stack',
          candidates: [...documented.take(method, full), ...candidatesFor(method, full)],
        });
      }
    }
  }
  const undiscovered = documented.rest().filter((operation) => addUndiscovered(warmups, operation, unsafe));
  return {
    routes: [...warmups.values()],
    undiscovered: undiscovered.map((operation) => operation.path),
    restore: () => {
      for (const [layer, handle] of stubbed) layer.handle = handle;
      stubbed.clear();
    },
  };
}

/**
 * A documented operation no discovered route matches, usually one of a sub-app's (whose router
 * Express hides): a safe one is warmed through the full stack; an unsafe one only with
 * `warmupUnsafe`, since its handler cannot be found to keep it from running.
 */
function addUndiscovered(warmups: Map<string, RouteWarmup>, operation: OpenApiOperation, unsafe: boolean): boolean {
  // Shown and matched against warmupRequests in Express's syntax.
  const path = operation.path.replace(/\{([^}/]+)\}/g, ':$1');
  const key = `${operation.method} ${path}`;
  if (warmups.has(key) || operation.candidates.length === 0) return false;
  const run = unsafe || !UNSAFE_METHODS.has(operation.method);
  warmups.set(key, {
    method: operation.method,
    path,
    mode: run ? 'full stack' : 'skipped',
    candidates: run ? operation.candidates : [],
    reason: run
      ? 'from the OpenAPI document; discovery did not find the route'
      : 'in the OpenAPI document, but discovery did not find its handler to keep it from running (turn on warmupUnsafe, or list it in warmupRequests)',
  });
  return true;
}

/** The document's operations by method and path shape; each is used by one route at most. */
class OperationIndex {
  private readonly left: OpenApiOperation[];

  constructor(operations: readonly OpenApiOperation[]) {
    this.left = [...operations];
  }

  /** The candidates of the operation for this route: same shape of path first, else one whose request the route matches. */
  take(method: string, path: string): readonly WarmupRequest[] {
    const shape = pathShape(path);
    const sameMethod = this.left.filter((op) => op.method === method);
    const operation =
      sameMethod.find((op) => pathShape(op.path) === shape) ??
      sameMethod.find((op) => op.candidates[0] !== undefined && matchesRoute({ method, path }, op.candidates[0]));
    if (!operation) return [];
    this.left.splice(this.left.indexOf(operation), 1);
    return operation.candidates;
  }

  /** Operations no route took. */
  rest(): readonly OpenApiOperation[] {
    return this.left;
  }
}

/** Stands in for an unsafe route's final handler during warm-up. */
function answerWithoutHandler(_req: unknown, res: { status(code: number): { json(body: unknown): void } }): void {
  res.status(200).json({});
}

/** The route's last layer for the method (or for `.all()`): the handler that does the work. */
function finalHandler(route: RouteWithStack, method: string): RouteLayer | undefined {
  const lower = method.toLowerCase();
  const layers = (route.stack ?? []).filter((l) => l.method === undefined || l.method === lower || l.method === '_all');
  return layers.at(-1);
}

function candidatesFor(method: string, path: string): WarmupRequest[] {
  const requests = new Map<string, WarmupRequest>();
  for (let attempt = 0; attempt < 3; attempt++) {
    const url = fillPath(path, (p) => guessParameter(p, attempt));
    const body = ['POST', 'PUT', 'PATCH'].includes(method) ? { body: {} } : {};
    requests.set(url, { method, url, ...body });
  }
  return [...requests.values()];
}

/** As discovery: `.all()` counts as GET, other methods upper-cased. */
function methodsOf(methods: Readonly<Record<string, unknown>>): string[] {
  const names = Object.keys(methods).filter((m) => methods[m]);
  return [...new Set(names.map((m) => (m === '_all' ? 'GET' : m.toUpperCase())))];
}

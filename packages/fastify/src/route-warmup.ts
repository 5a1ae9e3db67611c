/**
 * Synthesised warm-up for every route of a ready Fastify app, from the route's own schemas.
 *
 * Fastify keeps each route's schemas, compiled validators and serializers in its route
 * context, which it exposes to a request only (`request[kRouteContext]`) and keeps out of its
 * public route lookup. The context is caught while warm-up runs: the root Request class's
 * prototype gets a `params` accessor, which the constructor's `this.params = params` calls
 * right after it stored the context on the request. Each route is first reached with
 * `inject()` (no socket, no handler: every handler is stubbed meanwhile), its schemas are
 * read and its requests synthesised; then the accessor is removed.
 *
 * For POST, PUT, PATCH and DELETE routes, unless `warmupUnsafe` is on, the handler stays
 * replaced until warm-up ends by one that sends a value synthesised from the route's response
 * schema: a warm-up request runs Fastify's routing, hooks, content-type parser, the route's
 * validators and its serializer, but never the app's handler.
 */
import {
  fillPath,
  guessParameter,
  matchesRoute,
  type PathParameter,
  pathParameters,
  type RouteWarmup,
  type Schema,
  sampleValue,
  sampleVariants,
  type WarmupRequest,
} from '@tsunicorn/core';
import type { FastifyApp } from './fastify-app.js';

/** Methods whose handler may change state: warmed without it by default. */
export const UNSAFE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The part of Fastify's route context warm-up reads and changes. */
interface RouteContext {
  handler: (request: unknown, reply: StubReply) => unknown;
  readonly schema?: RouteSchema;
  readonly config?: { readonly url?: string; readonly method?: string | readonly string[] };
  readonly server?: { getSchemas?(): Record<string, unknown> };
}

interface RouteSchema {
  readonly params?: Schema;
  readonly querystring?: Schema;
  readonly query?: Schema;
  readonly headers?: Schema;
  readonly body?: Schema;
  readonly response?: Readonly<Record<string, Schema | { readonly content?: Record<string, { schema?: Schema }> }>>;
}

interface StubReply {
  code(status: number): StubReply;
  send(payload?: unknown): unknown;
}

interface InjectResponse {
  readonly statusCode: number;
}

interface Injectable {
  inject(options: { method: string; url: string; headers?: Record<string, string>; payload?: unknown }): Promise<InjectResponse>;
}

/** The route warm-ups, and the function that undoes what warm-up changed in the app. */
export interface FastifyWarmup {
  readonly routes: RouteWarmup[];
  restore(): void;
}

/** A route as found in Fastify's router: method and full path. */
interface TableRoute {
  readonly method: string;
  readonly path: string;
}

/**
 * Builds one warm-up per route. Routes whose context could not be reached get requests built
 * from their parameter names alone.
 */
export async function synthesiseRouteWarmups(
  app: FastifyApp,
  table: readonly TableRoute[],
  unsafe: boolean,
  configured: readonly WarmupRequest[] = [],
): Promise<FastifyWarmup> {
  const routes = table.filter((r) => !(r.method === 'HEAD' && table.some((g) => g.method === 'GET' && g.path === r.path)));
  const stubbed = new Map<RouteContext, RouteContext['handler']>();
  const trap = installContextTrap(app, (context) => {
    // While contexts are being found every handler is stubbed, so finding them runs none.
    if (!stubbed.has(context)) {
      stubbed.set(context, context.handler);
      context.handler = (_request, reply) => void reply.code(204).send();
    }
  });
  const found: { route: TableRoute; context: RouteContext | null }[] = [];
  try {
    for (const route of routes) found.push({ route, context: await findContext(app as unknown as Injectable, route, trap) });
  } finally {
    trap.remove();
  }
  const keepStubbed = new Map<RouteContext, RouteContext['handler']>();
  for (const [context, handler] of stubbed) {
    const route = found.find((f) => f.context === context)?.route;
    if (route && stopsHandler(route, unsafe, configured)) {
      keepStubbed.set(context, handler);
      context.handler = responseStub(context);
    } else context.handler = handler;
  }
  return {
    routes: found.map(({ route, context }) => describeWarmup(route, context, !stopsHandler(route, unsafe, configured))),
    restore: () => {
      for (const [context, handler] of keepStubbed) context.handler = handler;
      keepStubbed.clear();
    },
  };
}

/** Whether warm-up keeps the route's handler from running: unsafe, not opted in, not configured. */
function stopsHandler(route: TableRoute, unsafe: boolean, configured: readonly WarmupRequest[]): boolean {
  return UNSAFE_METHODS.has(route.method) && !unsafe && !configured.some((req) => matchesRoute(route, req));
}

interface Trap {
  /** The context the last request reached, or null. */
  last: RouteContext | null;
  remove(): void;
}

/** Catches the route context of every request built while installed (see the file comment). */
function installContextTrap(app: FastifyApp, onContext: (context: RouteContext) => void): Trap {
  const Request = baseClass(symbolValue(app, 'fastify.Request') as RequestClass | undefined);
  const trap: Trap = { last: null, remove: () => undefined };
  if (!Request || Object.hasOwn(Request.prototype, 'params')) return trap;
  Object.defineProperty(Request.prototype, 'params', {
    configurable: true,
    set(this: object, value: unknown) {
      Object.defineProperty(this, 'params', { value, writable: true, enumerable: true, configurable: true });
      const context = symbolValue(this, 'fastify.context') as RouteContext | undefined;
      if (context && typeof context.handler === 'function') {
        trap.last = context;
        onContext(context);
      }
    },
  });
  trap.remove = () => {
    delete (Request.prototype as Record<string, unknown>).params;
  };
  return trap;
}

interface RequestClass {
  readonly prototype: object;
  readonly parent?: RequestClass;
}

/**
 * Fastify's first Request class: routes of an app that decorates no request use it (a route
 * context walks `.parent` up to the nearest decorated class), and every other one inherits
 * its prototype.
 */
function baseClass(Request: RequestClass | undefined): RequestClass | undefined {
  let at = Request;
  while (at?.parent) at = at.parent;
  return at;
}

function symbolValue(target: object, description: string): unknown {
  const symbol = Object.getOwnPropertySymbols(target).find((s) => s.description === description);
  return symbol === undefined ? undefined : (target as Record<symbol, unknown>)[symbol];
}

/**
 * Reaches the route once through inject() with guessed parameters, and returns its context, or
 * null when no guess routed to it (a parameter with a RegExp constraint no guess fits).
 */
async function findContext(app: Injectable, route: TableRoute, trap: Trap): Promise<RouteContext | null> {
  const attempts = pathParameters(route.path).length === 0 ? 1 : 3;
  for (let attempt = 0; attempt < attempts; attempt++) {
    trap.last = null;
    const url = fillPath(route.path, (p) => guessParameter(p, attempt));
    // The answer does not matter (validation may reject the guess): the context is caught
    // when Fastify builds the request, before any hook or validator.
    await app.inject({ method: route.method, url, headers: { 'x-tsunicorn-warmup': '1' } }).catch(() => null);
    const context = trap.last as RouteContext | null;
    if (context && isContextOf(context, route)) return context;
  }
  return null;
}

/** Whether a caught context is the route's and not the 404 handler's. */
function isContextOf(context: RouteContext, route: TableRoute): boolean {
  const method = context.config?.method;
  if (method === undefined) return true;
  const methods = Array.isArray(method) ? method : [method];
  return methods.includes(route.method) || (route.method === 'HEAD' && methods.includes('GET'));
}

function describeWarmup(route: TableRoute, context: RouteContext | null, fullStack: boolean): RouteWarmup {
  const isUnsafe = UNSAFE_METHODS.has(route.method);
  if (isUnsafe && !fullStack && context === null) {
    return {
      ...route,
      mode: 'skipped',
      reason: 'its route context could not be reached, so its handler could not be kept from running',
      candidates: [],
    };
  }
  return {
    ...route,
    mode: isUnsafe && !fullStack ? 'validator+serializer' : 'full stack',
    candidates: synthesiseRequests(route, context?.schema ?? {}, schemasOf(context)),
    ...(context === null ? { reason: 'no route context: parameters guessed from their names' } : {}),
  };
}

function schemasOf(context: RouteContext | null): Record<string, unknown> {
  try {
    return context?.server?.getSchemas?.() ?? {};
  } catch {
    return {};
  }
}

/** Up to three requests, from the smallest valid value to fuller ones (see the core's schema-sample.ts). */
export function synthesiseRequests(route: TableRoute, schema: RouteSchema, schemas: Record<string, unknown>): WarmupRequest[] {
  const requests = new Map<string, WarmupRequest>();
  for (let variant = 0; variant < 3; variant++) {
    const request = synthesiseRequest(route, schema, schemas, variant);
    requests.set(JSON.stringify(request), request);
  }
  return [...requests.values()];
}

function synthesiseRequest(route: TableRoute, schema: RouteSchema, schemas: Record<string, unknown>, variant: number): WarmupRequest {
  const options = { schemas, variant };
  const params = schema.params ? (sampleValue(schema.params, options) as Record<string, unknown>) : {};
  const url = fillPath(route.path, (p: PathParameter) =>
    params[p.name] !== undefined ? String(params[p.name]) : guessParameter(p, variant),
  );
  const querySchema = schema.querystring ?? schema.query;
  const query = querySchema ? toQueryString(sampleValue(querySchema, options)) : '';
  const headers = schema.headers ? toHeaders(sampleValue(schema.headers, options)) : {};
  const hasBody = route.method !== 'GET' && route.method !== 'HEAD' && route.method !== 'DELETE';
  const body = schema.body ? sampleValue(schema.body, options) : hasBody ? {} : undefined;
  return {
    method: route.method,
    url: query ? `${url}?${query}` : url,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(body !== undefined ? { body: typeof body === 'object' && body !== null ? body : JSON.stringify(body) } : {}),
    ...(body !== undefined && (typeof body !== 'object' || body === null)
      ? { headers: { ...headers, 'content-type': 'application/json' } }
      : {}),
  };
}

function toQueryString(value: unknown): string {
  if (typeof value !== 'object' || value === null) return '';
  const query = new URLSearchParams();
  for (const [key, v] of Object.entries(value)) {
    for (const item of Array.isArray(v) ? v : [v]) query.append(key, typeof item === 'object' ? JSON.stringify(item) : String(item));
  }
  return query.toString();
}

function toHeaders(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

/** A handler that sends what the route's response schema describes, through its serializer. */
function responseStub(context: RouteContext): RouteContext['handler'] {
  const { status, value } = sampleResponse(context);
  return (_request, reply) => void reply.code(status).send(value);
}

/** The first 2xx response of the route's schema and a value for it; 200 and `{}` without one. */
export function sampleResponse(context: { readonly schema?: RouteSchema; readonly server?: RouteContext['server'] }): {
  status: number;
  value: unknown;
} {
  const responses = context.schema?.response ?? {};
  const key = Object.keys(responses).find((k) => /^2(\d\d|xx)$/i.test(k)) ?? (responses.default ? 'default' : undefined);
  if (key === undefined) return { status: 200, value: {} };
  const status = /^\d+$/.test(key) ? Number(key) : 200;
  const entry = responses[key]!;
  const schema =
    typeof entry === 'object' && entry !== null && 'content' in entry && entry.content
      ? (Object.values(entry.content)[0]?.schema ?? true)
      : (entry as Schema);
  const value = status === 204 ? undefined : sampleVariants(schema, { schemas: schemasOf(context as RouteContext) }).at(-1);
  return { status, value };
}

/**
 * Reads Express's router tree: the layers of the app's router and of every router mounted in
 * it, each with the static path it is reached under. Express 5 (router 2) and Express 4 keep
 * these in the same shape, with one difference: the path a layer was mounted at is
 * `layer.rawPath` in router ≥ 2.3 and only a compiled `layer.regexp` in Express 4.
 *
 * `router.listRoutes()` (router ≥ 2.3) is public but lists neither middleware (the body
 * parsers warm-up looks for) nor anything in Express 4, so one walk over the layers serves all.
 */
import type { ExpressApp } from './app.js';

/** A route of the router: the handlers registered for one path. */
export interface RouteRecord {
  /** As declared: a string, a RegExp or an array of them. */
  readonly path: unknown;
  /** Lower-case method names that have handlers, `_all` for `.all()`. */
  readonly methods: Readonly<Record<string, unknown>>;
}

/** One entry of a router's stack: a route, a middleware or a mounted router or app. */
export interface Layer {
  /** The handler's function name: `jsonParser`, `router`, `mounted_app`… */
  readonly name: string;
  readonly handle: unknown;
  readonly route?: RouteRecord;
  /** The path the layer was registered with (router ≥ 2.3). */
  readonly rawPath?: unknown;
  /** The compiled path (Express 4); `fast_slash` marks a layer mounted at `/`. */
  readonly regexp?: RegExp & { readonly fast_slash?: boolean };
  /** Whether a request path reaches the layer: a boolean or a match object, by version. */
  match(path: string): unknown;
}

/** A layer with the static path of the router that holds it: `''` for the app's own, else `/api`. */
export interface MountedLayer {
  readonly layer: Layer;
  readonly prefix: string;
}

interface Router {
  readonly stack: readonly unknown[];
}

/** Yields every layer of the app's router tree, mounted routers included. */
export function* walkLayers(app: ExpressApp): Generator<MountedLayer> {
  const root = rootRouterOf(app);
  if (root) yield* walkRouter(root, '');
}

function* walkRouter(router: Router, prefix: string): Generator<MountedLayer> {
  for (const layer of router.stack) {
    if (!isLayer(layer)) continue;
    yield { layer, prefix };
    const child = mountedRouterOf(layer);
    if (!child) continue;
    for (const path of mountPaths(layer)) yield* walkRouter(child, prefix + path);
  }
}

/**
 * The app's root router. Express 4 creates `app._router` on the first route and throws from
 * the `app.router` getter; Express 5 creates `app.router` on first access.
 */
function rootRouterOf(app: ExpressApp): Router | null {
  const legacy = typeof Reflect.get(app, 'lazyrouter') === 'function';
  const router: unknown = legacy ? Reflect.get(app, '_router') : Reflect.get(app, 'router');
  return isRouter(router) ? router : null;
}

/** The router a `use()` layer mounts, or null for plain middleware and routes. */
export function mountedRouterOf(layer: Layer): Router | null {
  return !layer.route && isRouter(layer.handle) ? layer.handle : null;
}

/**
 * The string paths a middleware or router layer is mounted at, without a trailing slash
 * (`''` for `/`); they may have parameters. Empty when the path is a RegExp or cannot be read
 * (router 2.0–2.2 keep only matcher functions; Express 4's regexp is read for static paths).
 */
export function mountPaths(layer: Layer): string[] {
  if (layer.rawPath !== undefined) return stringPaths(layer.rawPath).map(trimTrailingSlash);
  if (layer.regexp) return pathFromLegacyRegexp(layer.regexp);
  return [];
}

/** The string paths among a declared path, a RegExp or an array of them. */
export function stringPaths(declared: unknown): string[] {
  const all = Array.isArray(declared) ? declared.flat(Infinity) : [declared];
  return all.filter((p): p is string => typeof p === 'string');
}

/** Describes where a layer is mounted, for notes: its path or its regexp. */
export function describeMount(layer: Layer): string {
  if (layer.rawPath !== undefined) return String(layer.rawPath);
  return layer.regexp ? String(layer.regexp) : 'an unreadable path';
}

/** Joins a router's prefix and a path inside it: ('/api', '/') → '/api', ('', '/') → '/'. */
export function joinPaths(prefix: string, path: string): string {
  return prefix + (path === '/' ? '' : path) || '/';
}

/**
 * Recovers `/api` from Express 4's `^\/api\/?(?=\/|$)` (path-to-regexp 0.1 with `end:
 * false`); any other shape — parameters, arrays, RegExp paths — is not a static path.
 */
export function pathFromLegacyRegexp(regexp: RegExp & { readonly fast_slash?: boolean }): string[] {
  if (regexp.fast_slash) return [''];
  const m = /^\^((?:\\\/|\\\.|[\w~-])*)\\\/\?\(\?=\\\/\|\$\)$/.exec(regexp.source);
  if (!m?.[1]) return m ? [''] : [];
  return [m[1].replace(/\\(.)/g, '$1')];
}

function trimTrailingSlash(path: string): string {
  return path.replace(/\/+$/, '');
}

function isRouter(value: unknown): value is Router {
  return typeof value === 'function' && Array.isArray(Reflect.get(value, 'stack'));
}

function isLayer(value: unknown): value is Layer {
  return typeof value === 'object' && value !== null && typeof Reflect.get(value, 'match') === 'function';
}

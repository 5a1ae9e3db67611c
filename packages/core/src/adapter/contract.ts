import type { Server } from 'node:http';
import type { Logger } from '../logger.js';
import type { Settings } from '../settings/index.js';
import type { WarmupRequest, WarmupResponse, WorkerInfo } from '../types.js';

/** A route an adapter found in the framework's router. */
export interface DiscoveredRoute {
  /** Upper-case method: GET, HEAD, POST… */
  readonly method: string;
  /** Path as declared, e.g. `/users/:id`. */
  readonly path: string;
}

/** Adapter options as the core hands them over: merged and checked (see `Adapter.checkOptions`). */
export type AdapterOptions = Readonly<Record<string, unknown>>;

/** How warm-up warmed a route, as the warm-up report shows it. */
export type WarmupMode = 'full stack' | 'validator+serializer' | 'skipped';

/**
 * A warm-up an adapter synthesised for one route from the framework's own metadata (schemas,
 * DTOs, pipes, path parameters).
 */
export interface RouteWarmup {
  /** Upper-case method, as the route declares it. */
  readonly method: string;
  /** Path as declared, e.g. `/users/:id`. */
  readonly path: string;
  /**
   * `full stack`: the request runs the route's handler. `validator+serializer`: the request
   * runs what the framework does before and after the handler (body parser, validation, pipes,
   * serializer) and the adapter keeps the handler itself from running. `skipped`: nothing is sent.
   */
  readonly mode: WarmupMode;
  /** Why the route is skipped, or what stays cold, for the report. */
  readonly reason?: string;
  /**
   * Requests to try in order: the first that answers below 400 is sent on every pass; one
   * that answers 4xx gives way to the next.
   */
  readonly candidates: readonly WarmupRequest[];
  /** In-process warming of the route's parts no request reaches (e.g. its pipes), once per pass. */
  warm?(): Promise<void>;
}

/** What `routeWarmups()` may use while the app's server listens for warm-up. */
export interface RouteWarmupTools {
  /** Sends one request through the app's server and resolves with the whole response. */
  request(req: WarmupRequest): Promise<WarmupResponse>;
}

/** Handed to an adapter's `build()`. */
export interface BuildContext<Options = unknown> {
  readonly settings: Settings;
  readonly log: Logger;
  readonly worker: WorkerInfo;
  /**
   * The adapter's options: those given in code (`Adapter.options`) with the config file's
   * `adapterOptions` over them key by key (the config file wins), checked once by
   * `Adapter.checkOptions`.
   */
  readonly options: Options;
}

/**
 * An app built by an adapter, ready to be warmed and served. The worker owns the server's
 * sockets: it listens privately for warm-up, then serves the connections the master hands it.
 */
export interface ServedApp {
  /**
   * The HTTP server carrying the app's request listener: the framework's own server where it
   * has one (Fastify, Nest), else a plain `http.createServer(listener)`. It must not be
   * listening; the worker calls `listen()` on it.
   */
  readonly server: Server;
  /**
   * True when the framework configured the server's timeouts itself (Fastify's
   * connectionTimeout, keepAliveTimeout, requestTimeout); the worker then leaves them alone and
   * the keepAlive, requestTimeout and headersTimeout settings do not apply to this app.
   */
  readonly ownsServerTimeouts?: boolean;
  /**
   * The routes the adapter found. Without `routeWarmups()` (or with `warmupRoutes` off), the
   * engine warms the GET and HEAD ones without path parameters.
   */
  routes(): readonly DiscoveredRoute[];
  /**
   * One synthesised warm-up per route. When an adapter has it, the engine warms these instead
   * of the GET and HEAD routes of `routes()` without parameters. `tools.request` sends a request
   * through the app's server (warm-up's own client), e.g. to read an OpenAPI document it serves;
   * it is absent when routes are listed without a listening server.
   */
  routeWarmups?(tools?: RouteWarmupTools): Promise<readonly RouteWarmup[]>;
  /** Called once after the last warm-up request: undo what warm-up changed (stubbed handlers). */
  endWarmup?(): void | Promise<void>;
  /** Extra warm-up requests the adapter knows are needed (e.g. a JSON body route). */
  warmupRequests?(): readonly WarmupRequest[];
  /** Forces framework work that the warm-up requests cannot reach (lazy modules, views). */
  prepare?(): Promise<void>;
  /** Lines for the warm-up report, e.g. request-scoped routes whose cost warm-up cannot remove. */
  notes?(): readonly string[];
  /** Runs the framework's close hooks. Called after the worker's connections have drained. */
  close(): Promise<void>;
}

/**
 * Teaches the core one framework: how to build its app. An adapter imports only the core's
 * public API and the framework's types.
 */
export interface Adapter<Options = unknown> {
  /** Short name for logs: 'express', 'fastify', 'nest', 'node'. */
  readonly name: string;
  /** Options given in code (`createAdapter`'s second argument, `listen()`'s adapter part). */
  readonly options?: AdapterOptions;
  /**
   * Checks the merged options and fills in defaults; throws (any error, or a TsuError) with a
   * message naming the bad key. The core reports it as an invalid `adapterOptions` setting.
   */
  checkOptions?(options: AdapterOptions): Options;
  build(ctx: BuildContext<Options>): Promise<ServedApp>;
}

/**
 * What an adapter package exports for the CLI: `tsunicorn app.js` imports the package that
 * matches the app's framework and calls `createAdapter(app)`. `app` is the exported value,
 * or a function returning the built app when the module exported a factory.
 */
export interface AdapterPackage {
  createAdapter(app: unknown, options?: AdapterOptions): Adapter;
}

/** Whether a path has parameters (`:id`, `*`, `{id}`), which discovery cannot fill in. */
export function hasPathParameters(path: string): boolean {
  return /[:*{(]/.test(path);
}

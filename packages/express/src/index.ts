/**
 * @tsunicorn/express — serves an Express 4 or 5 app with tsunicorn: each worker builds the
 * app, loads its view engine and body parsers, warms its routes over loopback HTTP, and only
 * then takes traffic.
 */
import { createServer } from 'node:http';
import {
  type Adapter,
  type AdapterOptions,
  type BuildContext,
  openApiOperations,
  type ServedApp,
  serve,
  trustedProxies,
  type UserConfig,
} from '@tsunicorn/core';
import { type AppOrFactory, type ExpressApp, obtainApp } from './app.js';
import { bodyWarmupRequests } from './body-warmup.js';
import { type FoundDocument, findOpenApi } from './openapi.js';
import { type CheckedOptions, checkOptions, type ExpressAdapterOptions, splitListenOptions } from './options.js';
import { synthesiseRouteWarmups } from './route-warmup.js';
import { discoverRoutes, discoveryNotes } from './routes.js';
import { loadViewEngine, renderViews, viewCacheNotes } from './views.js';

export { isWarmupRequest, WARMUP_HEADER } from '@tsunicorn/core';
export { type AppOrFactory, type ExpressApp, type ExpressAppFactory, isExpressApp } from './app.js';
export { BODY_WARMUP_PATH } from './body-warmup.js';
export type { OpenApiOption } from './openapi.js';
export type { ExpressAdapterOptions } from './options.js';
export type { ViewWarmup } from './views.js';

/** `listen()`'s options: tsunicorn's settings and the adapter's own options, side by side. */
export type ListenOptions = UserConfig & ExpressAdapterOptions;

/**
 * The tsunicorn adapter for an Express app. Give a factory to build the app only in the
 * workers, so that its connections and timers never exist in the master.
 *
 * @example
 * // tsunicorn.config.js, or what `tsunicorn app.js` does with an exported Express app
 * import { createAdapter } from '@tsunicorn/express';
 * const adapter = createAdapter(() => createApp(), { views: [{ name: 'home', locals: { user: null } }] });
 */
export function createAdapter(
  appOrFactory: AppOrFactory,
  options: ExpressAdapterOptions | Readonly<Record<string, unknown>> = {},
): Adapter<CheckedOptions> {
  checkOptions(options);
  return {
    name: 'express',
    // The core lays the config file's `adapterOptions` over these and checks them once.
    options: { ...options } as AdapterOptions,
    checkOptions,
    build: (ctx) => buildServedApp(appOrFactory, ctx.options, ctx),
  };
}

/**
 * The drop-in for `app.listen(port)`: runs this script as tsunicorn's master, which forks
 * workers that run it again and serve the app. Top-level code runs in the master too, so
 * keep side effects in the factory or behind `isWorkerProcess()`.
 *
 * @example
 * import { listen } from '@tsunicorn/express';
 * import { createApp } from './app.js';
 * listen(() => createApp(), { bind: ['0.0.0.0:3000'], workers: 4 });
 */
export function listen(appOrFactory: AppOrFactory, options: ListenOptions = {}): Promise<void> {
  const { adapter, settings } = splitListenOptions(options);
  return serve(() => createAdapter(appOrFactory, adapter), settings);
}

async function buildServedApp(appOrFactory: AppOrFactory, options: CheckedOptions, ctx: BuildContext<CheckedOptions>): Promise<ServedApp> {
  const app = await obtainApp(appOrFactory);
  const trust = trustedProxies(ctx.settings);
  // forwarded-allow-ips decides which peers may set X-Forwarded-*; req.ip and req.protocol follow.
  if (trust !== null) app.set('trust proxy', trust);
  let restore = () => {};
  let document: { found: FoundDocument; operations: number } | null = null;
  let undiscovered: readonly string[] = [];
  return {
    // Express has no server of its own: the app is the request listener.
    server: createServer(app),
    routes: () => discoverRoutes(app),
    routeWarmups: async (tools) => {
      const getRoutes = discoverRoutes(app)
        .filter((r) => r.method === 'GET')
        .map((r) => r.path);
      // A document that cannot be used costs its requests, not the rest of the synthesis.
      const found = await findOpenApi(options.openapi, getRoutes, tools).catch((err: Error) => {
        ctx.log.warning(`${err.message}; warming the routes without it`);
        return null;
      });
      const operations = openApiOperations(found?.doc);
      document = found ? { found, operations: operations.length } : null;
      const warmup = synthesiseRouteWarmups(app, ctx.settings.warmupUnsafe, ctx.settings.warmupRequests, operations);
      restore = warmup.restore;
      undiscovered = warmup.undiscovered;
      return warmup.routes;
    },
    endWarmup: () => restore(),
    warmupRequests: () => (options.bodyWarmup ? bodyWarmupRequests(app) : []),
    prepare: () => prepareApp(app, options, ctx),
    notes: () => [...discoveryNotes(app, undiscovered), ...viewCacheNotes(app), ...openApiNotes(document)],
    // Express has no close hooks; the worker has already closed the server.
    close: async () => {
      await options.onClose?.();
    },
  };
}

function openApiNotes(document: { found: FoundDocument; operations: number } | null): string[] {
  if (!document) return [];
  return [`express: requests synthesised from the OpenAPI document (${document.found.source}, ${document.operations} operations)`];
}

async function prepareApp(app: ExpressApp, options: CheckedOptions, ctx: BuildContext<CheckedOptions>): Promise<void> {
  loadViewEngine(app, ctx.log);
  await renderViews(app, options.views);
}

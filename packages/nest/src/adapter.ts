import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import type { Adapter, AdapterOptions, BuildContext, DiscoveredRoute, ServedApp, WarmupRequest } from '@tsunicorn/core';
import { trustedProxies } from '@tsunicorn/core';
import { checkAppSource, type NestAppSource, obtainApp } from './app-source.js';
import { loadLazyModules } from './lazy-modules.js';
import { requestScopedNotes } from './notes.js';
import { checkAdapterOptions, type NestAdapterOptions } from './options.js';
import { applyTrustProxy, isFastify, readyPlatform } from './platform.js';
import { synthesiseRouteWarmups } from './route-warmup.js';

import { discoverRoutes, type NestRoute } from './routes.js';
import { validationWarmupRequests } from './validation-warmup.js';

const FASTIFY_TRUST_PROXY =
  'nest: forwarded-allow-ips is not applied: this app runs on a FastifyAdapter created without it, and Fastify fixes trustProxy when it is created; pass the module class (the adapter creates the platform) or `new FastifyAdapter({ trustProxy })`';

/**
 * Teaches tsunicorn a Nest app. The app is built in `build()`, that is in each worker and
 * never in the master: created (or returned by your factory), configured, initialised, its
 * lazy modules loaded; the worker then listens on Nest's own HTTP server.
 *
 * @example
 * import { serve } from '@tsunicorn/core';
 * import { createAdapter } from '@tsunicorn/nest';
 * import { AppModule } from './app.module.js';
 *
 * serve(() => createAdapter(AppModule, { platform: 'fastify' }), { workers: 4 });
 */
export function createAdapter(source: NestAppSource, options: NestAdapterOptions = {}): Adapter<NestAdapterOptions> {
  checkAppSource(source);
  const checked = checkAdapterOptions(options);
  return {
    name: 'nest',
    // The core lays the config file's `adapterOptions` over these and checks them once.
    options: { ...checked } as AdapterOptions,
    checkOptions: checkAdapterOptions,
    build: (ctx) => buildApp(source, ctx.options, ctx),
  };
}

async function buildApp(source: NestAppSource, options: NestAdapterOptions, ctx: BuildContext<NestAdapterOptions>): Promise<ServedApp> {
  const trust = trustedProxies(ctx.settings);
  const app = await obtainApp(source, options, trust);
  if (applyTrustProxy(app, trust) === 'fixed-by-fastify') ctx.log.warning(FASTIFY_TRUST_PROXY);
  try {
    await options.configure?.(app);
    await app.init();
    await readyPlatform(app);
    await loadLazyModules(app, options.lazyModules ?? []);
  } catch (err) {
    // Release what the partial start acquired (pools, timers) before the worker reports the failure.
    await app.close().catch(() => undefined);
    throw err;
  }
  return describeApp(app, options, ctx);
}

function describeApp(app: INestApplication, options: NestAdapterOptions, ctx: BuildContext<NestAdapterOptions>): ServedApp {
  const routes = discoverRoutesOrNone(app, ctx);
  const server: Server = app.getHttpServer();
  // With synthesis on, every DTO route gets a valid body instead of one that fails validation.
  const synthesise = ctx.settings.warmupRoutes;
  const validation = options.warmupValidation === false || synthesise ? [] : validationWarmupRequests(app, routes);
  let restore = () => {};
  return {
    server,
    ownsServerTimeouts: isFastify(app),
    routes: () => routes.filter((route) => route.plain).map(toDiscoveredRoute),
    routeWarmups: async () => {
      const warmup = synthesiseRouteWarmups(app, routes, ctx.settings.warmupUnsafe, ctx.settings.warmupRequests);
      restore = warmup.restore;
      return warmup.routes;
    },
    endWarmup: () => restore(),
    warmupRequests: () => validation,
    notes: () => [...requestScopedNotes(routes), ...rejectedBodyNotes(validation, ctx)],
    close: () => app.close(),
  };
}

/**
 * Validated routes warmed only with a body that fails validation: their valid path (the DTO's
 * transformation, each validator, the handler) stays cold unless a valid body is configured.
 */
function rejectedBodyNotes(validation: readonly WarmupRequest[], ctx: BuildContext): string[] {
  const configured = new Set(ctx.settings.warmupRequests.map((req) => `${req.method ?? 'GET'} ${req.url}`));
  return validation
    .map((req) => `${req.method} ${req.url}`)
    .filter((label) => !configured.has(label))
    .map(
      (label) => `${label} is warmed with a body that fails validation only: add a valid body to warmupRequests to warm its handler too`,
    );
}

/** Discovery only improves warm-up: an app it cannot read is still served, with a warning. */
function discoverRoutesOrNone(app: INestApplication, ctx: BuildContext): NestRoute[] {
  try {
    const routes = discoverRoutes(app);
    ctx.log.debug(`nest: discovered ${routes.length} routes`);
    return routes;
  } catch (err) {
    ctx.log.warning(`nest: could not read the app's routes, so none is warmed by discovery: ${String(err)}`);
    return [];
  }
}

function toDiscoveredRoute(route: NestRoute): DiscoveredRoute {
  return { method: route.method, path: route.path };
}

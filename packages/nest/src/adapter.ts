import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import type { Adapter, BuildContext, DiscoveredRoute, ServedApp } from '@tsunicorn/core';
import { checkAppSource, type NestAppSource, obtainApp } from './app-source.js';
import { loadLazyModules } from './lazy-modules.js';
import { requestScopedNotes } from './notes.js';
import { checkAdapterOptions, type NestAdapterOptions } from './options.js';
import { isFastify, readyPlatform } from './platform.js';
import { discoverRoutes, type NestRoute } from './routes.js';
import { validationWarmupRequests } from './validation-warmup.js';

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
export function createAdapter(source: NestAppSource, options: NestAdapterOptions = {}): Adapter {
  checkAppSource(source);
  const checked = checkAdapterOptions(options);
  return { name: 'nest', build: (ctx) => buildApp(source, checked, ctx) };
}

async function buildApp(source: NestAppSource, options: NestAdapterOptions, ctx: BuildContext): Promise<ServedApp> {
  const app = await obtainApp(source, options);
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

function describeApp(app: INestApplication, options: NestAdapterOptions, ctx: BuildContext): ServedApp {
  const routes = discoverRoutesOrNone(app, ctx);
  const server: Server = app.getHttpServer();
  return {
    server,
    ownsServerTimeouts: isFastify(app),
    routes: () => routes.filter((route) => route.plain).map(toDiscoveredRoute),
    warmupRequests: () => (options.warmupValidation === false ? [] : validationWarmupRequests(app, routes)),
    notes: () => requestScopedNotes(routes),
    close: () => app.close(),
  };
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

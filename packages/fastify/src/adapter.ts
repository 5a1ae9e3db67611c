import type { Adapter, AdapterOptions, BuildContext, DiscoveredRoute, ServedApp } from '@tsunicorn/core';
import { trustedProxies } from '@tsunicorn/core';
import { type FastifyApp, type FastifyAppOrFactory, obtainApp, servableServer } from './fastify-app.js';
import { type FastifyAdapterOptions, type ResolvedAdapterOptions, resolveAdapterOptions } from './options.js';
import { readRouteTable } from './route-table.js';
import { synthesiseRouteWarmups } from './route-warmup.js';
import { bodyParserProbes } from './warmup.js';

/**
 * Creates the adapter that serves a Fastify app under tsunicorn. Given a factory, the app
 * is built only in the workers, so plugin side effects (database pools) never run in the
 * master.
 *
 * @example
 * import { serve } from '@tsunicorn/core';
 * import { createAdapter } from '@tsunicorn/fastify';
 * serve(() => createAdapter(() => buildApp()), { workers: 4 });
 */
export function createAdapter(appOrFactory: FastifyAppOrFactory, options: FastifyAdapterOptions = {}): Adapter<ResolvedAdapterOptions> {
  const given: AdapterOptions = { ...options };
  resolveAdapterOptions(given);
  return {
    name: 'fastify',
    // The core lays the config file's `adapterOptions` over these and checks them once.
    options: given,
    checkOptions: resolveAdapterOptions,
    async build(ctx: BuildContext<ResolvedAdapterOptions>): Promise<ServedApp> {
      const resolved = ctx.options;
      const trustProxy = trustedProxies(ctx.settings);
      const app = await obtainApp(appOrFactory, trustProxy === null ? {} : { trustProxy });
      warnIfTrustProxyFixed(app, trustProxy, ctx);
      // Plugins, routes, ajv validators and fast-json-stringify serializers are built here.
      await app.ready();
      return serveApp(app, resolved, ctx.settings);
    },
  };
}

/**
 * Fastify fixes trustProxy when the instance is created, so an instance given directly keeps
 * its own; a factory receives `{ trustProxy }` to pass to `fastify()`.
 */
function warnIfTrustProxyFixed(app: FastifyApp, trustProxy: true | string[] | null, ctx: BuildContext): void {
  if (trustProxy === null || JSON.stringify(app.initialConfig?.trustProxy) === JSON.stringify(trustProxy)) return;
  ctx.log.warning(
    `fastify: forwarded-allow-ips (${JSON.stringify(trustProxy)}) is not applied: this instance was created with trustProxy ${JSON.stringify(app.initialConfig?.trustProxy ?? false)}, and Fastify fixes it at creation; pass a factory, \`listen((options) => fastify({ ...options }))\`, or create the instance with that trustProxy`,
  );
}

function serveApp(app: FastifyApp, options: ResolvedAdapterOptions, settings: BuildContext['settings']): ServedApp {
  const server = servableServer(app);
  const routes: readonly DiscoveredRoute[] = Object.freeze(readRouteTable(app));
  let restore = () => {};
  return {
    server,
    // Fastify set connectionTimeout, keepAliveTimeout and requestTimeout on its server.
    ownsServerTimeouts: true,
    routes: () => routes,
    routeWarmups: async () => {
      const warmup = await synthesiseRouteWarmups(app, routes, settings.warmupUnsafe, settings.warmupRequests);
      restore = warmup.restore;
      return warmup.routes;
    },
    endWarmup: () => restore(),
    warmupRequests: () => (options.warmupBodyParsers ? bodyParserProbes(app) : []),
    // onClose hooks run here. The server stopped listening earlier, and Fastify's
    // forceCloseConnections only acts on a server Fastify listened itself, so nothing
    // in flight is cut: the worker has drained its connections before calling this.
    close: async () => {
      await app.close();
    },
  };
}

import type { DiscoveredRoute } from '@tsunicorn/core';
import type { ExpressApp } from './app.js';
import { describeMount, joinPaths, mountedRouterOf, mountPaths, stringPaths, walkLayers } from './router-stack.js';

/**
 * The app's routes, one per declared method and string path, with the paths of the routers
 * they are mounted in. RegExp paths are left out; paths with parameters are kept (the core
 * skips them). A router's `.all()` counts as GET, the method warm-up sends (Express 5's
 * `app.all()` registers every method by name). The HEAD Express answers for a GET route
 * without a HEAD handler is not listed: it runs the GET handler.
 */
export function discoverRoutes(app: ExpressApp): DiscoveredRoute[] {
  const found = new Map<string, DiscoveredRoute>();
  for (const { layer, prefix } of walkLayers(app)) {
    if (!layer.route) continue;
    for (const path of stringPaths(layer.route.path)) {
      for (const method of methodsOf(layer.route.methods)) {
        const route = { method, path: joinPaths(prefix, path) };
        found.set(`${route.method} ${route.path}`, route);
      }
    }
  }
  return [...found.values()];
}

/**
 * Lines for the warm-up report about parts of the app discovery cannot see: sub-apps
 * (`app.use('/x', otherApp)`, whose router Express hides in a closure) and routers mounted
 * at a RegExp or at a path the router version does not keep. `documentedPaths`: the paths of
 * OpenAPI operations warmed though no route was discovered for them.
 */
export function discoveryNotes(app: ExpressApp, documentedPaths: readonly string[] = []): string[] {
  const notes: string[] = [];
  for (const { layer, prefix } of walkLayers(app)) {
    const where = `${describeMount(layer)}${prefix ? ` under ${prefix}` : ''}`;
    if (layer.name === 'mounted_app') {
      const mounts = mountPaths(layer).map((path) => prefix + path);
      const documented = documentedPaths.some((p) => mounts.some((m) => p.startsWith(`${m}/`)));
      notes.push(
        documented
          ? `express: the sub-app mounted at ${where} is warmed from the OpenAPI document's operations under it; routes it leaves out stay cold`
          : `express: the routes of the sub-app mounted at ${where} are not discovered; list them in warmupRequests`,
      );
    } else if (mountedRouterOf(layer) && mountPaths(layer).length === 0) {
      notes.push(`express: the router mounted at ${where} has no path discovery can read; list its routes in warmupRequests`);
    }
  }
  return notes;
}

function methodsOf(methods: Readonly<Record<string, unknown>>): string[] {
  const names = Object.keys(methods).filter((m) => methods[m]);
  return [...new Set(names.map((m) => (m === '_all' ? 'GET' : m.toUpperCase())))];
}

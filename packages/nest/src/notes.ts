import type { NestRoute } from './routes.js';

/**
 * One warm-up report line per request-scoped route. Nest builds such a route's controller
 * and request-scoped providers anew for every request, so its first-request cost returns on
 * every request; the report says so rather than let warm-up look like it removed it.
 */
export function requestScopedNotes(routes: readonly NestRoute[]): string[] {
  return routes
    .filter((route) => route.requestScoped)
    .map(
      (route) =>
        `${route.method} ${route.path} is request-scoped: its providers are rebuilt on every request; warm-up cannot remove that cost`,
    );
}

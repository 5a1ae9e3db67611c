/**
 * Warm-up requests for the app's body parsers. The first request with a body is the slowest
 * of an Express process: body-parser reads it through raw-body, which loads all of
 * iconv-lite's encoding tables (≈12 ms). No GET warm-up reaches that code.
 *
 * For every `express.json()`, `urlencoded()`, `text()` or `raw()` used as middleware of the
 * app or of a mounted router, one POST with a small matching body is sent to a path no route
 * declares (`/__tsunicorn/warmup-body/json`) under the path the parser is mounted at. The
 * app's own parser reads the body, no route handler runs, and the app answers its 404. A path
 * that a POST route with parameters would match (`app.post('/:kind/:id')`) is not sent, so
 * warm-up never runs a handler with a body it did not expect.
 */
import { hasPathParameters, type WarmupRequest } from '@tsunicorn/core';
import type { ExpressApp } from './app.js';
import { type MountedLayer, mountPaths, walkLayers } from './router-stack.js';

/** The probes' path below each parser's mount path; the parser's kind follows: `/json`. */
export const BODY_WARMUP_PATH = '/__tsunicorn/warmup-body';

interface Probe {
  /** Last path segment, so that each parser's probe has its own URL. */
  readonly kind: string;
  readonly contentType: string;
  readonly body: string;
}

/** body-parser's middleware function names (1.x and 2.x), with a body each one parses. */
const probes: ReadonlyMap<string, Probe> = new Map([
  ['jsonParser', { kind: 'json', contentType: 'application/json', body: '{"tsunicorn":"warm-up"}' }],
  ['urlencodedParser', { kind: 'urlencoded', contentType: 'application/x-www-form-urlencoded', body: 'tsunicorn=warm-up' }],
  ['textParser', { kind: 'text', contentType: 'text/plain; charset=utf-8', body: 'tsunicorn warm-up' }],
  ['rawParser', { kind: 'raw', contentType: 'application/octet-stream', body: 'tsunicorn warm-up' }],
]);

/** One POST per body parser found in the app's middleware; none when it has no parser. */
export function bodyWarmupRequests(app: ExpressApp): WarmupRequest[] {
  const layers = [...walkLayers(app)];
  const requests = new Map<string, WarmupRequest>();
  for (const { layer, prefix } of layers) {
    const probe = layer.route ? undefined : probes.get(layer.name);
    if (!probe) continue;
    for (const path of mountPaths(layer)) {
      if (hasPathParameters(prefix + path)) continue;
      const url = `${prefix}${path}${BODY_WARMUP_PATH}/${probe.kind}`;
      if (reachesRouteHandler(layers, url)) continue;
      const headers = { 'content-type': probe.contentType };
      requests.set(url, { method: 'POST', url, headers, body: probe.body });
    }
  }
  return [...requests.values()];
}

/** Whether a POST to `url` would reach a route's handler (a route with parameters, `.all()`…). */
function reachesRouteHandler(layers: readonly MountedLayer[], url: string): boolean {
  return layers.some(({ layer, prefix }) => {
    const methods = layer.route?.methods;
    if (!methods || !(methods.post || methods._all)) return false;
    if (prefix && !url.startsWith(`${prefix}/`)) return false;
    return Boolean(layer.match(url.slice(prefix.length)));
  });
}

import type { WarmupRequest } from '@tsunicorn/core';
import type { FastifyApp } from './fastify-app.js';

/** Paths no app should route; the probes below are sent to them. */
export const PROBE_PATHS = { json: '/__tsunicorn/warmup/json', text: '/__tsunicorn/warmup/text' } as const;

/**
 * Requests that warm Fastify's body path without running a handler of the app.
 *
 * Routes with a body are not warmed from the route table: a POST reaching its handler may
 * create records, and only the app knows a harmless body (that is what the `warmupRequests`
 * setting is for). What every such route shares — reading the body, the JSON and text
 * parsers with their per-Content-Type cache, the reply and error serializers — is reached
 * by posting to a path that no route matches: Fastify parses the body of a 404 too.
 */
export function bodyParserProbes(app: FastifyApp): WarmupRequest[] {
  const probes: WarmupRequest[] = [
    { method: 'POST', url: PROBE_PATHS.json, body: { warmup: true } },
    { method: 'POST', url: PROBE_PATHS.text, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'warmup' },
  ];
  // A catch-all route (`app.all('*')`) would run a handler of the app: skip what it matches.
  return probes.filter((probe) => app.findRoute({ method: 'POST', url: probe.url }) === null);
}

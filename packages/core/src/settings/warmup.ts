import type { WarmupContext, WarmupRequest } from '../types.js';
import { bool, configOnly, int, SettingValueError, seconds } from './define.js';

/** A user's warm-up function, run after the configured and discovered requests. */
export type WarmupFunction = (ctx: WarmupContext) => void | Promise<void>;

function checkWarmupRequest(value: unknown, i: number): WarmupRequest {
  const where = `item ${i}`;
  if (typeof value === 'string') return { url: value };
  if (typeof value !== 'object' || value === null) throw new SettingValueError(`${where} is not a URL or a request object`);
  const req = value as Record<string, unknown>;
  if (typeof req.url !== 'string' || !req.url.startsWith('/')) {
    throw new SettingValueError(`${where} has url ${JSON.stringify(req.url)}: it must be a path starting with "/"`);
  }
  for (const key of Object.keys(req)) {
    if (!['method', 'url', 'headers', 'body', 'expectStatus', 'hits'].includes(key)) {
      throw new SettingValueError(`${where} has an unknown key "${key}" (known: method, url, headers, body, expectStatus, hits)`);
    }
  }
  return req as unknown as WarmupRequest;
}

/** Warm-up: what each new worker runs before it takes traffic. */
export const warmupSettings = {
  warmupHits: int({
    section: 'warmup',
    cli: ['--warmup-hits'],
    env: 'TSUNICORN_WARMUP_HITS',
    min: 0,
    max: 1000,
    default: 3,
    doc: 'Times each warm-up request is sent before the worker takes traffic (0: no warm-up requests).',
  }),
  warmupTimeout: seconds({
    section: 'warmup',
    cli: ['--warmup-timeout'],
    env: 'TSUNICORN_WARMUP_TIMEOUT',
    min: 0.1,
    default: 30,
    doc: 'Time limit for all of a worker’s warm-up requests; past it the worker fails to boot.',
  }),
  warmupRoutes: bool({
    section: 'warmup',
    cli: ['--warmup-routes'],
    env: 'TSUNICORN_WARMUP_ROUTES',
    default: true,
    doc: 'Warm every route the adapter discovers, with requests synthesised from the framework’s route metadata (schemas, DTOs, path parameters). Requests in `warmupRequests` win over synthesis for the routes they match.',
  }),
  warmupUnsafe: bool({
    section: 'warmup',
    cli: ['--warmup-unsafe'],
    env: 'TSUNICORN_WARMUP_UNSAFE',
    default: false,
    doc: 'Send synthesised warm-up requests of POST, PUT, PATCH and DELETE routes through their handlers too. Off: only what the framework runs around the handler (body parser, validation, pipes, serializer) is warmed, and no unsafe handler runs.',
  }),
  warmupStrict: bool({
    section: 'warmup',
    cli: ['--warmup-strict'],
    env: 'TSUNICORN_WARMUP_STRICT',
    default: true,
    doc: 'A warm-up request that errors, answers 5xx or an unexpected status fails the boot. Off: it is logged as a warning.',
  }),
  warmupRequests: configOnly<readonly (string | WarmupRequest)[], readonly WarmupRequest[]>({
    section: 'warmup',
    default: Object.freeze([]),
    defaultDoc: '[]',
    doc: 'Requests to send during warm-up: a path, or { method, url, headers, body, expectStatus, hits }. Use it for routes with parameters, POST bodies and views.',
    check(value) {
      if (!Array.isArray(value)) throw new SettingValueError('it must be an array of paths or request objects');
      return Object.freeze(value.map(checkWarmupRequest));
    },
  }),
  warmup: configOnly<WarmupFunction | null, WarmupFunction | null>({
    section: 'warmup',
    crossing: 'config-file',
    default: null,
    defaultDoc: 'none',
    doc: 'A function `(ctx) => Promise<void>` run in each worker after the warm-up requests, for warming that needs code (caches, connections). `ctx.request()` sends a request through the full stack.',
    check(value) {
      if (value !== null && typeof value !== 'function') throw new SettingValueError('it must be a function');
      return value as WarmupFunction | null;
    },
  }),
} as const;

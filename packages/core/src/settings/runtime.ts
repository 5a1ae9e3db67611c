import type { WarmupContext, WarmupRequest } from '../types.js';
import { bool, configOnly, int, list, optionalStr, SettingValueError, seconds, str } from './define.js';

/** The default access log format: Apache's combined format plus the request time in ms. */
export const DEFAULT_ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms';

export type LogLevel = 'debug' | 'info' | 'warning' | 'error' | 'critical';

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

function checkEnvPair(raw: string): readonly [string, string] {
  const eq = raw.indexOf('=');
  if (eq <= 0) throw new SettingValueError(`"${raw}" is not KEY=VALUE`);
  return [raw.slice(0, eq), raw.slice(eq + 1)] as const;
}

/** Warm-up, reload, application, process and logging settings. */
export const runtimeSettings = {
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
    default: null,
    defaultDoc: 'none',
    doc: 'A function `(ctx) => Promise<void>` run in each worker after the warm-up requests, for warming that needs code (caches, connections). `ctx.request()` sends a request through the full stack.',
    check(value) {
      if (value !== null && typeof value !== 'function') throw new SettingValueError('it must be a function');
      return value as WarmupFunction | null;
    },
  }),
  reloadConcurrency: int({
    section: 'reload',
    cli: ['--reload-concurrency'],
    env: 'TSUNICORN_RELOAD_CONCURRENCY',
    min: 1,
    default: 1,
    doc: 'How many new workers boot at once during a reload or recycle, so booting does not starve the workers that serve.',
  }),
  shutdownDelay: seconds({
    section: 'reload',
    cli: ['--shutdown-delay'],
    env: 'TSUNICORN_SHUTDOWN_DELAY',
    default: 0,
    doc: 'On TERM, keep accepting for this long before closing the listeners, while a load balancer (Kubernetes endpoints) stops sending traffic.',
  }),
  app: optionalStr({
    section: 'app',
    env: 'TSUNICORN_APP',
    meta: 'MODULE[:EXPORT]',
    default: null,
    defaultDoc: 'none (the APP argument of the CLI)',
    doc: 'The app to serve: a module path and an optional export name (default export, then `app`). The CLI takes it as its argument.',
  }),
  adapterOptions: configOnly<Record<string, unknown>, Readonly<Record<string, unknown>>>({
    section: 'app',
    default: Object.freeze({}),
    defaultDoc: '{}',
    doc: "Options for the framework adapter the CLI picks (e.g. Nest's `{ platform: 'fastify', lazyModules }`); see the adapter's README.",
    check(value) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SettingValueError('it must be an object');
      return Object.freeze({ ...(value as Record<string, unknown>) });
    },
  }),
  preload: bool({
    section: 'app',
    cli: ['--preload'],
    env: 'TSUNICORN_PRELOAD',
    default: false,
    doc: 'Import the app once in the master before forking, so a broken app fails once, before any worker starts.',
  }),
  chdir: optionalStr({
    section: 'app',
    cli: ['--chdir'],
    env: 'TSUNICORN_CHDIR',
    meta: 'DIR',
    default: null,
    defaultDoc: 'none',
    doc: 'Change to this directory before loading the app.',
  }),
  env: list<readonly [string, string]>({
    section: 'app',
    cli: ['-e', '--env'],
    meta: 'KEY=VALUE',
    item: checkEnvPair,
    default: Object.freeze([]),
    defaultDoc: '[]',
    doc: 'Set an environment variable in the workers. Repeat for several.',
  }),
  pidfile: optionalStr({
    section: 'process',
    cli: ['-p', '--pidfile'],
    env: 'TSUNICORN_PIDFILE',
    meta: 'FILE',
    default: null,
    defaultDoc: 'none',
    doc: 'File the master writes its pid to, and removes when it exits.',
  }),
  procName: str({
    section: 'process',
    cli: ['-n', '--proc-name'],
    env: 'TSUNICORN_PROC_NAME',
    meta: 'NAME',
    nonEmpty: true,
    default: 'tsunicorn',
    doc: 'Base of the process titles: "NAME: master", "NAME: worker 3 (gen 2)".',
  }),
  logLevel: str<LogLevel>({
    section: 'logging',
    cli: ['--log-level'],
    env: 'TSUNICORN_LOG_LEVEL',
    choices: ['debug', 'info', 'warning', 'error', 'critical'],
    default: 'info',
    doc: 'Lowest level written to the error log.',
  }),
  errorLogfile: str({
    section: 'logging',
    cli: ['--error-logfile', '--log-file'],
    env: 'TSUNICORN_ERROR_LOGFILE',
    meta: 'FILE',
    nonEmpty: true,
    default: '-',
    doc: 'Error log file; "-" is stderr. USR1 reopens it.',
  }),
  accessLogfile: optionalStr({
    section: 'logging',
    cli: ['--access-logfile'],
    env: 'TSUNICORN_ACCESS_LOGFILE',
    meta: 'FILE',
    default: null,
    defaultDoc: 'none (off, at no cost)',
    doc: 'Access log file; "-" is stdout. USR1 reopens it.',
  }),
  accessLogFormat: str({
    section: 'logging',
    cli: ['--access-log-format'],
    env: 'TSUNICORN_ACCESS_LOG_FORMAT',
    meta: 'FORMAT',
    default: DEFAULT_ACCESS_LOG_FORMAT,
    doc: 'Access log line format, with gunicorn’s atoms: %(h)s remote address, %(t)s time, %(r)s request line, %(m)s method, %(U)s path, %(q)s query, %(H)s protocol, %(s)s status, %(b)s response length, %(f)s referer, %(a)s user agent, %(D)s µs, %(M)s ms, %(L)s s, %(p)s worker pid, %({name}i)s request header, %({name}o)s response header.',
  }),
} as const;

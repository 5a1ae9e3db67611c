import { type BindAddress, parseBind } from './bind.js';
import { int, list, optionalStr, type SettingSpec, SettingValueError, str } from './define.js';

/** The admin listener's address, or null when it is off. */
function optionalBind(opts: { cli: readonly string[]; env: string; doc: string }): SettingSpec<string | null, BindAddress | null> {
  return {
    section: 'operations',
    meta: 'ADDRESS',
    default: null,
    defaultDoc: 'none (off)',
    ...opts,
    fromString: (raw) => raw,
    check(value) {
      if (value === null || value === undefined) return null;
      if (typeof value !== 'string') throw new SettingValueError(`${JSON.stringify(value)} is not an address`);
      return parseBind(value);
    },
  };
}

/** An octal file mode creation mask: `0o027`, `"027"` or `"0027"`. */
function umask(opts: { doc: string }): SettingSpec<number | string | null, number | null> {
  return {
    section: 'privileges',
    cli: ['--umask'],
    env: 'TSUNICORN_UMASK',
    meta: 'OCTAL',
    default: null,
    defaultDoc: "none (the master's)",
    ...opts,
    fromString: (raw) => raw,
    check(value) {
      if (value === null || value === undefined) return null;
      const n =
        typeof value === 'string' && /^0?o?[0-7]{1,4}$/i.test(value.trim()) ? Number.parseInt(value.trim().replace(/^0?o/i, ''), 8) : value;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0o777) {
        throw new SettingValueError(`${JSON.stringify(value)} is not an octal mask (use e.g. 027)`);
      }
      return n;
    },
  };
}

/** How the error and access logs are written. */
export type LogFormat = 'text' | 'json';

/** The operations surface (admin listener, control socket), privileges, proxies and request limits. */
export const operationsSettings = {
  adminBind: optionalBind({
    cli: ['--admin-bind'],
    env: 'TSUNICORN_ADMIN_BIND',
    doc: 'Address of the admin listener the master serves itself: GET /livez, /readyz and /metrics (Prometheus). HOST:PORT or unix:PATH; keep it on loopback or a Unix socket. Off: no metrics are collected at all.',
  }),
  readyMinWorkers: int({
    section: 'operations',
    cli: ['--ready-min-workers'],
    env: 'TSUNICORN_READY_MIN_WORKERS',
    min: 0,
    default: 0,
    defaultDoc: '0 (all workers)',
    doc: 'How many workers must be warm and serving for /readyz to answer 200 (0: all of them).',
  }),
  controlSocket: optionalStr({
    section: 'operations',
    cli: ['--control-socket'],
    env: 'TSUNICORN_CONTROL_SOCKET',
    meta: 'PATH',
    default: null,
    defaultDoc: 'none (off)',
    doc: 'Unix socket (mode 0600) on which the master takes `tsunicorn ctl` commands: status, reload, scale, stop, reopen-logs.',
  }),
  logFormat: str<LogFormat>({
    section: 'logging',
    cli: ['--log-format'],
    env: 'TSUNICORN_LOG_FORMAT',
    choices: ['text', 'json'],
    default: 'text',
    doc: 'Error and access log lines as text, or as one JSON object per line with pino-compatible fields (time, level, pid, worker, generation, msg).',
  }),
  user: optionalStr({
    section: 'privileges',
    cli: ['-u', '--user'],
    env: 'TSUNICORN_USER',
    meta: 'USER',
    default: null,
    defaultDoc: "none (the master's user)",
    doc: 'Workers switch to this user (name or uid) after the master has bound the sockets, so ports below 1024 stay possible. The master must run as root.',
  }),
  group: optionalStr({
    section: 'privileges',
    cli: ['-g', '--group'],
    env: 'TSUNICORN_GROUP',
    meta: 'GROUP',
    default: null,
    defaultDoc: "the user's primary group",
    doc: "Workers switch to this group (name or gid); the user's supplementary groups are set with initgroups.",
  }),
  umask: umask({ doc: 'File mode creation mask the workers set, in octal (e.g. 027).' }),
  forwardedAllowIps: list<string>({
    section: 'privileges',
    cli: ['--forwarded-allow-ips'],
    env: 'TSUNICORN_FORWARDED_ALLOW_IPS',
    meta: 'ADDRESSES',
    item: (raw) => raw.trim(),
    default: Object.freeze([]),
    defaultDoc: "[] (the app's own setting)",
    doc: "Proxies trusted to set X-Forwarded-For/-Proto/-Host: addresses or CIDR ranges, or '*'. The adapters apply it as Express's `trust proxy`, Fastify's `trustProxy` and the same on Nest's platform.",
  }),
  limitRequestLine: int({
    section: 'privileges',
    cli: ['--limit-request-line'],
    env: 'TSUNICORN_LIMIT_REQUEST_LINE',
    min: 0,
    default: 0,
    defaultDoc: "0 (Node's limit: request line and headers together within max-http-header-size, 16 KiB)",
    doc: 'Longest request line (method, target, version) in bytes; a longer one is answered 414 and the connection closed.',
  }),
  limitRequestFields: int({
    section: 'privileges',
    cli: ['--limit-request-fields'],
    env: 'TSUNICORN_LIMIT_REQUEST_FIELDS',
    min: 0,
    default: 0,
    defaultDoc: "0 (Node's maxHeadersCount: 2000, extra headers dropped)",
    doc: 'Most header fields in a request; a request with more is answered 431 and the connection closed.',
  }),
  limitRequestFieldSize: int({
    section: 'privileges',
    cli: ['--limit-request-field-size'],
    env: 'TSUNICORN_LIMIT_REQUEST_FIELD_SIZE',
    min: 0,
    default: 0,
    defaultDoc: '0 (no per-field limit; all headers within 16 KiB)',
    doc: 'Largest header field (name and value) in bytes; a request with a larger one is answered 431 and the connection closed.',
  }),
} as const;

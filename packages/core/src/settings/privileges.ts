import { int, list, optionalStr, type SettingSpec, SettingValueError } from './define.js';

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

/** The workers' user, group and umask, the proxies they trust, and request limits. */
export const privilegeSettings = {
  user: optionalStr({
    restart: true,
    section: 'privileges',
    cli: ['-u', '--user'],
    env: 'TSUNICORN_USER',
    meta: 'USER',
    default: null,
    defaultDoc: "none (the master's user)",
    doc: 'Workers switch to this user (name or uid) after the master has bound the sockets, so ports below 1024 stay possible. The master must run as root.',
  }),
  group: optionalStr({
    restart: true,
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

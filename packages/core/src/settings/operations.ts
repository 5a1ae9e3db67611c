import { type BindAddress, parseBind } from './bind.js';
import { int, optionalStr, type SettingSpec, SettingValueError } from './define.js';

/** The admin listener's address, or null when it is off. */
function optionalBind(opts: {
  cli: readonly string[];
  env: string;
  doc: string;
  restart?: boolean;
}): SettingSpec<string | null, BindAddress | null> {
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

/** The operations surface: the admin listener (health, readiness, metrics) and the control socket. */
export const operationsSettings = {
  adminBind: optionalBind({
    restart: true,
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
    restart: true,
    section: 'operations',
    cli: ['--control-socket'],
    env: 'TSUNICORN_CONTROL_SOCKET',
    meta: 'PATH',
    default: null,
    defaultDoc: 'none (off)',
    doc: 'Unix socket (mode 0600) on which the master takes `tsunicorn ctl` commands: status, reload, scale, stop, reopen-logs.',
  }),
} as const;

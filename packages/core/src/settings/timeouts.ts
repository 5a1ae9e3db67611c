import { seconds } from './define.js';

/** Timeouts: boot, silence, drain, hooks and HTTP. */
export const timeoutSettings = {
  timeout: seconds({
    section: 'timeouts',
    cli: ['-t', '--timeout'],
    env: 'TSUNICORN_TIMEOUT',
    default: 30,
    doc: 'A serving worker whose event loop is silent this long is hung: its stack is logged, it is killed and replaced (0: off).',
  }),
  bootTimeout: seconds({
    section: 'timeouts',
    cli: ['--boot-timeout'],
    env: 'TSUNICORN_BOOT_TIMEOUT',
    min: 1,
    default: 60,
    doc: 'Time a worker has to load the app and finish warm-up before it counts as failed to boot.',
  }),
  gracefulTimeout: seconds({
    section: 'timeouts',
    cli: ['--graceful-timeout'],
    env: 'TSUNICORN_GRACEFUL_TIMEOUT',
    default: 30,
    doc: 'Time a retiring worker has to finish its in-flight requests before it is killed.',
  }),
  hookTimeout: seconds({
    section: 'timeouts',
    cli: ['--hook-timeout'],
    env: 'TSUNICORN_HOOK_TIMEOUT',
    min: 0.1,
    default: 30,
    doc: 'Time an async server hook may take before it is abandoned (and, for a worker boot hook, the boot fails).',
  }),
  keepAlive: seconds({
    section: 'timeouts',
    cli: ['--keep-alive'],
    env: 'TSUNICORN_KEEP_ALIVE',
    default: 5,
    doc: 'Seconds an idle keep-alive connection is kept open (0: no keep-alive).',
  }),
  requestTimeout: seconds({
    section: 'timeouts',
    cli: ['--request-timeout'],
    env: 'TSUNICORN_REQUEST_TIMEOUT',
    default: 300,
    doc: "Time a client has to send a whole request (Node's server.requestTimeout; 0: off).",
  }),
  headersTimeout: seconds({
    section: 'timeouts',
    cli: ['--headers-timeout'],
    env: 'TSUNICORN_HEADERS_TIMEOUT',
    default: 60,
    doc: "Time a client has to send the request headers (Node's server.headersTimeout).",
  }),
} as const;

import { int, seconds } from './define.js';

/** Reload and stop: how workers are replaced and how the server stops. */
export const reloadSettings = {
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
} as const;

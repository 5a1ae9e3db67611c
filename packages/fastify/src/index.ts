/**
 * @tsunicorn/fastify — serve a Fastify app with tsunicorn: warm workers, reloads that drop
 * nothing. `listen()` replaces `app.listen()`; `createAdapter()` is what the `tsunicorn` CLI
 * uses when the app module exports a Fastify instance.
 */
import { serve } from '@tsunicorn/core';

export { isWarmupRequest, WARMUP_HEADER } from '@tsunicorn/core';

import { createAdapter } from './adapter.js';
import type { FastifyAppOrFactory } from './fastify-app.js';
import { type FastifyListenOptions, splitListenOptions } from './options.js';

export { type SampleOptions, type Schema, sampleValue, sampleVariants } from '@tsunicorn/core';
export { createAdapter } from './adapter.js';
export { type FastifyApp, type FastifyAppOrFactory, type FastifyFactoryOptions, isFastifyInstance } from './fastify-app.js';
export type { FastifyAdapterOptions, FastifyListenOptions } from './options.js';

/**
 * The drop-in for `await app.listen({ port })`: runs this script as a tsunicorn master that
 * forks `workers` processes, each building, warming and serving the app.
 *
 * The script runs again in every worker, and its top-level code runs in the master too. Pass
 * a factory to build the app (and open its connections) only in the workers.
 *
 * @example
 * import { listen } from '@tsunicorn/fastify';
 * import { buildApp } from './app.js';
 * await listen(() => buildApp(), { bind: ['0.0.0.0:3000'], workers: 4 });
 */
export function listen(appOrFactory: FastifyAppOrFactory, options: FastifyListenOptions = {}): Promise<void> {
  const { settings, adapter } = splitListenOptions(options);
  return serve(() => createAdapter(appOrFactory, adapter), settings);
}

/**
 * @tsunicorn/nest — serve a NestJS app with tsunicorn: every worker builds the app, loads its
 * lazy modules and is warmed through the full stack before it takes traffic.
 */
import { serve } from '@tsunicorn/core';
import { createAdapter } from './adapter.js';
import type { NestAppSource } from './app-source.js';
import { type NestListenOptions, splitListenOptions } from './options.js';

export { isWarmupRequest, WARMUP_HEADER } from '@tsunicorn/core';
export { createAdapter } from './adapter.js';
export { isNestApplication, isNestModuleClass, type NestAppFactory, type NestAppSource } from './app-source.js';
export { type DtoMetadata, loadDtoMetadata, sampleDto } from './dto-sample.js';
export type { LazyModuleImport, NestAdapterOptions, NestListenOptions, NestPlatform } from './options.js';

/**
 * The drop-in for `await app.listen(3000)`: runs the calling script under tsunicorn. In the
 * process you start it is the master (binds, forks, supervises); in each worker it builds the
 * app and serves. Top-level code of your main file runs in the master too, so build the app
 * only inside the factory (or pass the module class).
 *
 * @example
 * // main.ts
 * import { listen } from '@tsunicorn/nest';
 * import { AppModule } from './app.module.js';
 *
 * await listen(AppModule, { bind: ['0.0.0.0:3000'], workers: 4 });
 *
 * @example
 * await listen(async () => {
 *   const app = await NestFactory.create(AppModule);
 *   app.useGlobalPipes(new ValidationPipe());
 *   return app;
 * }, { bind: ['0.0.0.0:3000'] });
 */
export function listen(source: NestAppSource, options: NestListenOptions = {}): Promise<void> {
  const { adapter, settings } = splitListenOptions(options);
  return serve(() => createAdapter(source, adapter), settings);
}

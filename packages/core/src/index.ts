/**
 * @tsunicorn/core — the pre-fork runtime: settings, the master (arbiter), the worker runtime
 * and the warm-up engine. It knows no framework; the adapter packages teach it one each.
 */
import type { Adapter } from './adapter/contract.js';
import { runMasterFromCode } from './master/main.js';
import type { Settings, UserConfig } from './settings/index.js';
import { resolveSettings } from './settings/resolve.js';
import { isWorkerProcess, runWorker } from './worker/runtime.js';

export type {
  Adapter,
  AdapterOptions,
  AdapterPackage,
  BuildContext,
  DiscoveredRoute,
  RouteWarmup,
  RouteWarmupTools,
  ServedApp,
  WarmupMode,
} from './adapter/contract.js';
export { hasPathParameters } from './adapter/contract.js';
export {
  detectFramework,
  type Framework,
  isClass,
  isExpressApp,
  isFastifyInstance,
  isNestApplication,
  isNestModuleClass,
} from './adapter/detect.js';
export { isOpenApiDocument, type OpenApiOperation, openApiOperations, pathShape } from './adapter/openapi.js';
export {
  fillPath,
  guessParameter,
  guessParameterValues,
  type PathParameter,
  pathParameters,
  SAMPLE_UUID,
} from './adapter/path-params.js';
export { trustedProxies } from './adapter/proxy.js';
export { fitLength, sampleForPattern, stringsForPattern } from './adapter/sample-text.js';
export { type SampleOptions, type Schema, sampleValue, sampleVariants } from './adapter/schema-sample.js';
export { ExitCode, isTsuError, TsuError, type TsuErrorCode } from './errors.js';
export type { Logger } from './logger.js';
export type { RouteReport } from './protocol/messages.js';
export type { LogLevel, Settings, UserConfig, WarmupFunction } from './settings/index.js';
export { defineConfig } from './settings/resolve.js';
export type {
  MasterInfo,
  RequestHook,
  WarmupContext,
  WarmupRequest,
  WarmupResponse,
  WarmupSummary,
  WorkerExitInfo,
  WorkerInfo,
} from './types.js';
export { formatWarmupReport } from './warmup-report.js';
export { isWorkerProcess } from './worker/runtime.js';
export { isWarmupRequest, WARMUP_HEADER } from './worker/warmup.js';
export { matchesRoute } from './worker/warmup-plan.js';

/**
 * Runs the calling script under tsunicorn; what the adapters' drop-in `listen()` calls.
 *
 * In the process started by the user this becomes the master: it binds the sockets and
 * forks workers that run the same script again. In a worker, it builds the app through the
 * adapter, warms it and serves. `makeAdapter` is called only in workers, so an app built
 * inside it (`listen(() => createApp())`) is never built in the master.
 *
 * @example
 * import { serve } from '@tsunicorn/core';
 * serve(() => myAdapter(app), { workers: 4, bind: ['0.0.0.0:8000'] });
 */
export function serve(makeAdapter: () => Adapter | Promise<Adapter>, options: UserConfig = {}): Promise<void> {
  return isWorkerProcess() ? runWorker({ makeAdapter, code: options }) : runMasterFromCode(options);
}
export { createLogger } from './logger.js';

/**
 * Resolves settings from code alone: defaults < `config`. No file, environment or command
 * line is read. Useful to build an adapter's app in tests.
 */
export function loadSettings(config: UserConfig = {}): Settings {
  return resolveSettings({
    argv: { settings: {}, checkConfig: false, printConfig: false, help: false, version: false },
    env: {},
    file: null,
    code: config as Record<string, unknown>,
  });
}

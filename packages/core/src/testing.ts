/**
 * @tsunicorn/core/testing — runs an adapter the way a worker does, on loopback and without a
 * master: the worker's own build (adapter options resolved by the one rule), warm-up (private
 * listener, `prepare()`, the warm-up engine) and serving (connections handed over as the
 * master hands them, counted, access-logged and hooked as configured). For adapter tests.
 *
 * @example
 * import { startApp } from '@tsunicorn/core/testing';
 * const running = await startApp(createAdapter(() => createApp()), { warmupHits: 2 });
 * const res = await fetch(`http://127.0.0.1:${running.port}/health`);
 * await running.close();
 */
import { type AddressInfo, createServer } from 'node:net';
import type { Adapter, BuildContext, ServedApp } from './adapter/contract.js';
import { takeConnections } from './handles.js';
import { createLogger, type Logger } from './logger.js';
import type { WarmupSummary } from './protocol/messages.js';
import type { Settings, UserConfig } from './settings/index.js';
import { resolveSettings } from './settings/resolve.js';
import type { WorkerInfo } from './types.js';
import { closePrivately, listenPrivately as listenOnLoopback } from './worker/private-listener.js';
import { buildApp as buildInWorker, warmApp as warmInWorker } from './worker/runtime.js';
import { Serving } from './worker/serving.js';

/** Listens on 127.0.0.1, on a port of the system's choosing, as a worker does for warm-up. */
export async function listenPrivately(app: ServedApp): Promise<number> {
  await listenOnLoopback(app.server);
  return (app.server.address() as AddressInfo).port;
}

/** Closes the private listener as a worker does after warm-up (no 'close' event, timeouts kept). */
export function closePrivateListener(app: ServedApp): void {
  closePrivately(app.server);
}

/** A logger that keeps its lines (`LEVEL message`), for tests that look at what was logged. */
export function memoryLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warning: at('warning'),
    error: at('error'),
    critical: at('critical'),
    debugEnabled: true,
    reopen() {},
    close() {},
  };
}

/** What a worker has when it builds: settings from `config` alone (no file, env or CLI), a log, an identity. */
export function testContext(config: UserConfig = {}, log: Logger = createLogger('-', 'error')): Omit<BuildContext, 'options'> {
  const worker: WorkerInfo = { id: 1, pid: process.pid, generation: 1 };
  return { settings: settingsFrom(config), log, worker };
}

/** Builds the adapter's app as a worker does: options given in code, `adapterOptions` over them, checked once. */
export function buildApp(adapter: Adapter, config: UserConfig = {}, log?: Logger): Promise<ServedApp> {
  const { settings, log: logger, worker } = testContext(config, log);
  return buildInWorker(adapter, settings, logger, worker);
}

/** Warms a built app as a worker does: private listener, `prepare()`, the warm-up engine, listener closed. */
export function warmApp(app: ServedApp, config: UserConfig = {}, log?: Logger): Promise<WarmupSummary> {
  const { settings, log: logger, worker } = testContext(config, log);
  return warmInWorker(app, settings, logger, worker);
}

/** A warm app serving on loopback. */
export interface ServingApp {
  /** Port of the loopback listener whose connections are handed to the app. */
  readonly port: number;
  /** Requests served so far (warm-up requests are not counted). */
  readonly requests: number;
  /** Stops the listener and closes the app's connections; the app's close hooks are left to `app.close()`. */
  close(): Promise<void>;
}

/**
 * Serves a built (and usually warmed) app as a worker does once it is ready: connections
 * accepted on a loopback port are handed to the app's server, as the master hands them.
 */
export async function serveApp(app: ServedApp, config: UserConfig = {}, log?: Logger): Promise<ServingApp> {
  const { settings, log: logger, worker } = testContext(config, log);
  const serving = new Serving(worker, settings, logger);
  serving.configure(app);
  serving.start();
  const front = createServer();
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  // As the master does: each connection goes on as libuv's handle, with no socket built here.
  takeConnections(front, (connection) => serving.accept(connection));
  return {
    port: (front.address() as AddressInfo).port,
    get requests() {
      return serving.requests;
    },
    async close() {
      app.server.closeAllConnections();
      await new Promise<void>((resolve) => front.close(() => resolve()));
    },
  };
}

/** An app started through the whole sequence; `close()` also runs the app's close hooks. */
export interface StartedApp extends ServingApp {
  readonly app: ServedApp;
  readonly warmup: WarmupSummary;
}

/** Runs an adapter through a worker's sequence: build → warm → serve, on loopback. */
export async function startApp(adapter: Adapter, config: UserConfig = {}, log?: Logger): Promise<StartedApp> {
  const app = await buildApp(adapter, config, log);
  const warmup = await warmApp(app, config, log);
  const serving = await serveApp(app, config, log);
  return {
    app,
    warmup,
    port: serving.port,
    get requests() {
      return serving.requests;
    },
    async close() {
      await serving.close();
      await app.close();
    },
  };
}

function settingsFrom(config: UserConfig): Settings {
  return resolveSettings({
    argv: { settings: {}, checkConfig: false, printConfig: false, help: false, version: false },
    env: {},
    file: null,
    code: config as Record<string, unknown>,
  });
}

/**
 * The worker runtime: what runs inside each worker process. Its order is fixed — load the
 * app, build it, warm it over a private loopback socket, then report ready — and only after
 * "ready" does the master hand it connections. This file holds that boot sequence and the
 * wiring to the master (IPC and signals); serving.ts serves and drains, liveness.ts reports.
 */
import type { Adapter, ServedApp } from '../adapter/contract.js';
import { resolveAdapterOptions } from '../adapter/options.js';
import { describeError, describeForUser, ExitCode, isTsuError, TsuError } from '../errors.js';
import type { ListeningHandle } from '../handles.js';
import { runBootHooks, runIsolatedHooks } from '../hooks.js';
import { createLogger, type Logger } from '../logger.js';
import { decodeFromMaster, hasWorkerIdentity, readWorkerIdentity } from '../protocol/handover.js';
import { type ConnectionHandle, type MasterMessage, parseMasterMessage, sendToMaster, type WarmupSummary } from '../protocol/messages.js';
import type { Settings, UserConfig } from '../settings/index.js';
import type { WorkerInfo } from '../types.js';
import { watchAppListen } from './app-listen.js';
import { type Liveness, prepareLiveness } from './liveness.js';
import { closePrivately, listenPrivately } from './private-listener.js';
import { dropPrivileges } from './privileges.js';
import { Serving } from './serving.js';
import { runWarmup } from './warmup.js';

/** True in a process the tsunicorn master spawned as a worker. */
export function isWorkerProcess(): boolean {
  return hasWorkerIdentity() && typeof process.send === 'function';
}

export interface WorkerOptions {
  /** Loads and returns the adapter; errors thrown here count as "app failed to load". */
  readonly makeAdapter: (settings: Settings) => Adapter | Promise<Adapter>;
  /** Settings given in code (drop-in listen()), for the functions they hold. */
  readonly code?: UserConfig;
}

/** Runs this process as a worker. Resolves once it is serving. */
export async function runWorker(options: WorkerOptions): Promise<void> {
  const worker = readWorkerIdentity();
  let settings: Settings;
  try {
    settings = await decodeFromMaster(options.code);
  } catch (err) {
    return reportBootFailure(err);
  }
  const log = createLogger(
    settings.errorLogfile,
    settings.logLevel,
    { worker: worker.id, generation: worker.generation },
    settings.logFormat,
  );
  try {
    dropPrivileges(settings);
  } catch (err) {
    return reportBootFailure(err);
  }
  await new WorkerRuntime(worker, settings, log).start(() => options.makeAdapter(settings));
}

const APP_LOAD_CODES = new Set(['TSU_ERR_APP_LOAD', 'TSU_ERR_APP_KIND', 'TSU_ERR_ADAPTER_MISSING']);

class WorkerRuntime {
  private app: ServedApp | null = null;
  /** Boot failed and was reported: the exit code is the boot failure's. */
  private failed = false;
  private readonly serving: Serving;
  private liveness: Liveness | null = null;

  constructor(
    private readonly worker: WorkerInfo,
    private readonly settings: Settings,
    private readonly log: Logger,
  ) {
    this.serving = new Serving(worker, settings, log);
    watchAppListen(log);
  }

  async start(makeAdapter: () => Adapter | Promise<Adapter>): Promise<void> {
    process.title = `${this.settings.procName}: worker ${this.worker.id} (gen ${this.worker.generation})`;
    this.listenToMaster();
    let summary: WarmupSummary;
    try {
      summary = await this.boot(makeAdapter);
    } catch (err) {
      this.failed = true;
      return reportBootFailure(err);
    }
    this.serve(summary);
  }

  private async boot(makeAdapter: () => Adapter | Promise<Adapter>): Promise<WarmupSummary> {
    const hookRun = (name: string) => ({ name, timeoutMs: this.settings.hookTimeout * 1000, log: this.log });
    await runBootHooks(this.settings.postFork, [this.worker], hookRun('postFork'));
    const adapter = await this.loadAdapter(makeAdapter);
    this.app = await buildApp(adapter, this.settings, this.log, this.worker);
    sendToMaster({ tsu: 'loaded', adapter: adapter.name });
    // The watchdog thread boots while the app warms, not while the first real requests run.
    this.liveness = prepareLiveness(this.settings, this.log);
    this.serving.configure(this.app);
    // The last pass enters through handle(), as connections handed over by the master do.
    const summary = await warmApp(this.app, this.settings, this.log, this.worker, (c) =>
      this.handle({ tsu: 'conn' }, c as ConnectionHandle & ListeningHandle),
    );
    await runBootHooks(this.settings.postWorkerInit, [this.worker], hookRun('postWorkerInit'));
    return summary;
  }

  private async loadAdapter(makeAdapter: () => Adapter | Promise<Adapter>): Promise<Adapter> {
    try {
      return await makeAdapter();
    } catch (err) {
      if (err instanceof TsuError) throw err;
      throw new TsuError('TSU_ERR_APP_LOAD', `App failed to load: ${describeError(err).stack}`, { cause: err });
    }
  }

  private serve(summary: WarmupSummary): void {
    this.serving.start();
    this.liveness?.start(this.serving);
    sendToMaster({ tsu: 'ready', warmup: summary });
    this.log.info(`Worker ${this.worker.id} (gen ${this.worker.generation}) ready`);
  }

  private listenToMaster(): void {
    process.on('message', (raw: unknown, handle: unknown) => {
      const message = parseMasterMessage(raw);
      if (message) this.handle(message, handle as (ConnectionHandle & ListeningHandle) | undefined);
    });
    // The master is gone (even SIGKILLed): nobody will hand us connections any more.
    process.on('disconnect', () => {
      if (!this.failed) this.serving.drain('the master is gone', 2000, 0);
    });
    process.on('SIGTERM', () => this.serving.drain('TERM received', this.settings.gracefulTimeout * 1000, 0));
    process.on('SIGINT', () => void this.quit());
    process.on('SIGQUIT', () => void this.quit());
  }

  private handle(message: MasterMessage, handle: (ConnectionHandle & ListeningHandle) | undefined): void {
    switch (message.tsu) {
      case 'conn':
        return this.accept(handle);
      case 'listen':
        if (handle) this.serving.acceptOn(handle, message.index, message.giveBack);
        return;
      case 'listen-own':
        return void this.serving.listenOwn(message.addresses);
      case 'drain':
        return this.serving.drain(message.reason, this.settings.gracefulTimeout * 1000, message.spreadMs);
      case 'quit':
        return void this.quit();
      case 'abort':
        return void this.abort();
      case 'reopen-logs':
        this.log.reopen();
        this.serving.reopenLogs();
        return;
    }
  }

  private accept(connection: ConnectionHandle | undefined): void {
    if (connection) this.serving.accept(connection);
  }

  private async quit(): Promise<void> {
    await runIsolatedHooks(this.settings.workerInt, [this.worker], { name: 'workerInt', timeoutMs: 2000, log: this.log });
    // Buffered access log lines are written before the process goes.
    await this.serving.flushLogs();
    process.exit(ExitCode.OK);
  }

  private async abort(): Promise<void> {
    await runIsolatedHooks(this.settings.workerAbort, [this.worker], { name: 'workerAbort', timeoutMs: 2000, log: this.log });
    process.exit(ExitCode.WORKER_BOOT);
  }
}

/** Builds the app with the adapter options resolved by the one rule (see adapter/options.ts). */
export async function buildApp(adapter: Adapter, settings: Settings, log: Logger, worker: WorkerInfo): Promise<ServedApp> {
  return adapter.build({ settings, log, worker, options: resolveAdapterOptions(adapter, settings) });
}

/**
 * Listens on a private loopback port, runs the warm-up engine, and closes that listener.
 * `handover`: where the master's connections enter the worker; the last pass comes through it.
 */
export async function warmApp(
  app: ServedApp,
  settings: Settings,
  log: Logger,
  worker: WorkerInfo,
  handover?: (connection: ConnectionHandle) => void,
): Promise<WarmupSummary> {
  await listenPrivately(app.server);
  try {
    await app.prepare?.();
    return await runWarmup({ app, settings, log, worker, ...(handover ? { handover } : {}) });
  } finally {
    closePrivately(app.server);
  }
}

/**
 * Tells the master why this worker could not boot, then exits with the matching code once the
 * message is written (exit 4 when the app itself could not be loaded, else 3).
 */
function reportBootFailure(err: unknown): void {
  const { message } = describeError(err);
  // What the master logs: the user's own stack, without tsunicorn's frames (see describeForUser).
  const stack = describeForUser(err);
  const appLoad = isTsuError(err) && APP_LOAD_CODES.has(err.code);
  const exit = () => process.exit(appLoad ? ExitCode.APP_LOAD : ExitCode.WORKER_BOOT);
  if (!sendToMaster({ tsu: 'boot-failed', appLoad, message, stack }, exit)) exit();
}

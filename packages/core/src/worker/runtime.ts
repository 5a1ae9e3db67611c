/**
 * The worker runtime: what runs inside each worker process. Its order is fixed — load the
 * app, build it, warm it over a private loopback socket, then report ready — and only after
 * "ready" does the master hand it connections.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import type { Adapter, ServedApp } from '../adapter/contract.js';
import { describeError, ExitCode, isTsuError, TsuError } from '../errors.js';
import { runBootHooks, runIsolatedHooks } from '../hooks.js';
import { createLogger, type Logger } from '../logger.js';
import { loadWorkerSettings, readWorkerIdentity, WorkerEnv } from '../protocol/handover.js';
import { DIAGNOSTICS_FD, type MasterMessage, parseMasterMessage, sendToMaster, type WarmupSummary } from '../protocol/messages.js';
import type { Settings, UserConfig } from '../settings/index.js';
import type { WorkerInfo } from '../types.js';
import { AccessLog } from './access-log.js';
import { runWarmup } from './warmup.js';

/** True in a process the tsunicorn master spawned as a worker. */
export function isWorkerProcess(): boolean {
  return process.env[WorkerEnv.ID] !== undefined && typeof process.send === 'function';
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
    settings = await loadWorkerSettings(options.code);
  } catch (err) {
    return reportBootFailure(err);
  }
  const log = createLogger(settings.errorLogfile, settings.logLevel, `[worker ${worker.id}, gen ${worker.generation}]`);
  await new WorkerRuntime(worker, settings, log).start(() => options.makeAdapter(settings));
}

const APP_LOAD_CODES = new Set(['TSU_ERR_APP_LOAD', 'TSU_ERR_APP_KIND', 'TSU_ERR_ADAPTER_MISSING']);

class WorkerRuntime {
  private app: ServedApp | null = null;
  private readonly connections = new Set<Socket>();
  private requests = 0;
  private serving = false;
  private draining = false;
  private retireAsked = false;
  /** Boot failed and was reported: the exit code is the boot failure's. */
  private failed = false;
  private accessLog: AccessLog | null = null;
  private readonly ticks = new Int32Array(new SharedArrayBuffer(4));
  private readonly maxRequests: number;

  constructor(
    private readonly worker: WorkerInfo,
    private readonly settings: Settings,
    private readonly log: Logger,
  ) {
    this.maxRequests = settings.maxRequests > 0 ? settings.maxRequests + randomJitter(settings.maxRequestsJitter) : 0;
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
    this.app = await adapter.build({ settings: this.settings, log: this.log, worker: this.worker });
    sendToMaster({ tsu: 'loaded', adapter: adapter.name });
    this.configureServer(this.app);
    const summary = await this.warm(this.app);
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

  /** Applies the timeout settings and tracks connections, before warm-up. */
  private configureServer(app: ServedApp): void {
    const { server } = app;
    if (!app.ownsServerTimeouts) {
      server.keepAliveTimeout = this.settings.keepAlive * 1000;
      server.requestTimeout = this.settings.requestTimeout * 1000;
      server.headersTimeout = Math.min(this.settings.headersTimeout * 1000, server.requestTimeout || Number.MAX_SAFE_INTEGER);
    }
    server.on('connection', (socket: Socket) => this.track(socket));
  }

  /**
   * Installs the request counter, our only per-request work, and the access log and request
   * hooks when configured. Installed when the worker starts serving, so warm-up requests are
   * not counted for max-requests, logged, or shown to preRequest and postRequest.
   */
  private installRequestHandling(app: ServedApp): void {
    this.installRequestExtras(app);
    const noKeepAlive = this.settings.keepAlive === 0;
    app.server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      this.requests++;
      // A draining worker answers with `Connection: close`, so busy keep-alive clients move to
      // another worker after their current response instead of being reset later.
      if (noKeepAlive || (this.draining && this.dueToClose(res.socket))) res.shouldKeepAlive = false;
      if (this.requests === this.maxRequests) this.askRetire(`served ${this.requests} requests (max-requests)`);
    });
  }

  /** Access log and per-request hooks: attached only when configured, so they cost nothing when off. */
  private installRequestExtras(app: ServedApp): void {
    const { accessLogfile, accessLogFormat, preRequest, postRequest } = this.settings;
    if (accessLogfile !== null) {
      const accessLog = new AccessLog(accessLogfile, accessLogFormat, (err) =>
        this.log.error(`Access log ${accessLogfile}: ${err.message}`),
      );
      this.accessLog = accessLog;
      app.server.on('request', (req: IncomingMessage, res: ServerResponse) => accessLog.record(req, res));
    }
    if (preRequest.length > 0) {
      app.server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
        for (const fn of preRequest) fn(this.worker, req, res);
      });
    }
    if (postRequest.length > 0) {
      app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
        res.once('finish', () => {
          for (const fn of postRequest) fn(this.worker, req, res);
        });
      });
    }
  }

  private track(socket: Socket): void {
    this.connections.add(socket);
    socket.once('close', () => {
      this.connections.delete(socket);
      if (this.draining && this.connections.size === 0) void this.finishDrain();
    });
  }

  /** Listens on a private loopback port, runs the warm-up engine, and closes that listener. */
  private async warm(app: ServedApp) {
    const { server } = app;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: 0, host: '127.0.0.1' }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    try {
      await app.prepare?.();
      // The last pass enters through handle(), as connections handed over by the master do.
      const handover = (socket: Socket) => this.handle({ tsu: 'conn' }, socket);
      return await runWarmup({ app, settings: this.settings, log: this.log, worker: this.worker, handover });
    } finally {
      // Close the private listener only. http.Server#close would also stop the timer that
      // enforces headers and request timeouts on the connections we serve from now on.
      NetServer.prototype.close.call(server);
    }
  }

  private serve(summary: WarmupSummary): void {
    if (this.app) this.installRequestHandling(this.app);
    this.serving = true;
    this.startHeartbeat();
    this.startWatchdog();
    sendToMaster({ tsu: 'ready', warmup: summary });
    this.log.info(`Worker ${this.worker.id} (gen ${this.worker.generation}) ready`);
  }

  private listenToMaster(): void {
    process.on('message', (raw: unknown, handle: unknown) => {
      const message = parseMasterMessage(raw);
      if (message) this.handle(message, handle as Socket | undefined);
    });
    // The master is gone (even SIGKILLed): nobody will hand us connections any more.
    process.on('disconnect', () => {
      if (!this.failed) this.drain('the master is gone', 2000, 0);
    });
    process.on('SIGTERM', () => this.drain('TERM received', this.settings.gracefulTimeout * 1000, 0));
    process.on('SIGINT', () => void this.quit());
    process.on('SIGQUIT', () => void this.quit());
  }

  private handle(message: MasterMessage, socket: Socket | undefined): void {
    switch (message.tsu) {
      case 'conn':
        return this.accept(socket);
      case 'drain':
        return this.drain(message.reason, this.settings.gracefulTimeout * 1000, message.spreadMs);
      case 'quit':
        return void this.quit();
      case 'abort':
        return void this.abort();
      case 'reopen-logs':
        this.log.reopen();
        this.accessLog?.reopen();
        return;
    }
  }

  private accept(socket: Socket | undefined): void {
    if (!socket) return;
    if (!this.app) {
      socket.destroy();
      return;
    }
    this.app.server.emit('connection', socket);
  }

  private askRetire(reason: string): void {
    if (this.retireAsked || this.draining) return;
    this.retireAsked = true;
    this.log.info(`Worker ${this.worker.id} asks to be replaced: ${reason}`);
    sendToMaster({ tsu: 'retire', reason });
  }

  /**
   * Graceful stop. The master has already stopped handing us connections. Busy keep-alive
   * connections get `Connection: close` on their next response; idle ones are closed after
   * the keep-alive timeout, when a well-behaved client has stopped reusing them, so closing
   * cannot race a request the client is sending. Then the app's close hooks run.
   */
  private drain(reason: string, limitMs: number, spreadMs: number): void {
    if (this.draining) return;
    this.draining = true;
    this.spreadCloses(Math.min(spreadMs, limitMs / 4));
    this.log.info(`Worker ${this.worker.id} draining (${reason}), ${this.connections.size} connection(s) open`);
    setTimeout(() => this.forceExit('graceful-timeout'), limitMs).unref();
    const idleGraceMs = Math.min(limitMs / 2, this.settings.keepAlive * 1000 + 1000);
    setTimeout(() => this.app?.server.closeIdleConnections(), idleGraceMs).unref();
    if (this.connections.size === 0 || !this.serving) void this.finishDrain();
  }

  private finishing = false;
  private closeAt = new WeakMap<Socket, number>();

  /**
   * Gives each open connection its moment, within `spread` ms, to be answered with
   * `Connection: close`: all of them at once would reconnect in one burst, which the master
   * hands out one by one while clients wait.
   */
  private spreadCloses(spread: number): void {
    const now = Date.now();
    for (const socket of this.connections) this.closeAt.set(socket, now + Math.random() * spread);
  }

  /** Connections that arrived after the drain began close at once. */
  private dueToClose(socket: Socket | null): boolean {
    const at = socket ? this.closeAt.get(socket) : undefined;
    return at === undefined || Date.now() >= at;
  }

  private async finishDrain(): Promise<void> {
    if (this.finishing) return;
    this.finishing = true;
    try {
      await this.app?.close();
    } catch (err) {
      this.log.error(`App close failed: ${describeError(err).stack}`);
    }
    await this.exit(ExitCode.OK);
  }

  private async quit(): Promise<void> {
    await runIsolatedHooks(this.settings.workerInt, [this.worker], { name: 'workerInt', timeoutMs: 2000, log: this.log });
    process.exit(ExitCode.OK);
  }

  private async abort(): Promise<void> {
    await runIsolatedHooks(this.settings.workerAbort, [this.worker], { name: 'workerAbort', timeoutMs: 2000, log: this.log });
    process.exit(ExitCode.WORKER_BOOT);
  }

  private forceExit(why: string): void {
    this.log.warning(`Worker ${this.worker.id} exiting with ${this.connections.size} connection(s) still open (${why})`);
    for (const socket of this.connections) socket.destroy();
    void this.exit(ExitCode.OK);
  }

  private async exit(code: number): Promise<void> {
    await runIsolatedHooks(this.settings.workerExit, [this.worker], {
      name: 'workerExit',
      timeoutMs: this.settings.hookTimeout * 1000,
      log: this.log,
    });
    await this.accessLog?.close();
    this.log.info(`Worker exiting (pid: ${process.pid})`);
    process.exit(code);
  }

  /** Heartbeat from the event loop; a blocked loop cannot send it, which is what it detects. */
  private startHeartbeat(): void {
    const intervalMs = heartbeatInterval(this.settings.timeout);
    setInterval(() => {
      Atomics.add(this.ticks, 0, 1);
      sendToMaster({ tsu: 'heartbeat', requests: this.requests });
      this.checkMemory();
    }, intervalMs).unref();
  }

  private checkMemory(): void {
    const limit = this.settings.maxMemory;
    if (limit === 0 || this.retireAsked) return;
    const rss = process.memoryUsage.rss();
    if (rss > limit) this.askRetire(`RSS ${formatBytes(rss)} is over max-memory ${formatBytes(limit)}`);
  }

  private startWatchdog(): void {
    if (this.settings.timeout === 0) return;
    const watchdog = new Worker(new URL('./watchdog.js', import.meta.url), {
      workerData: { ticks: this.ticks.buffer, thresholdMs: (this.settings.timeout * 1000) / 2, fd: DIAGNOSTICS_FD },
    });
    watchdog.unref();
    watchdog.on('error', (err) => this.log.warning(`Hang watchdog stopped: ${describeError(err).message}`));
  }
}

/**
 * Tells the master why this worker could not boot, then exits with the matching code once the
 * message is written (exit 4 when the app itself could not be loaded, else 3).
 */
function reportBootFailure(err: unknown): void {
  const { message, stack } = describeError(err);
  const appLoad = isTsuError(err) && APP_LOAD_CODES.has(err.code);
  const exit = () => process.exit(appLoad ? ExitCode.APP_LOAD : ExitCode.WORKER_BOOT);
  if (!sendToMaster({ tsu: 'boot-failed', appLoad, message, stack }, exit)) exit();
}

/** How often a serving worker reports; several beats fit in one timeout. */
export function heartbeatInterval(timeoutSeconds: number): number {
  return timeoutSeconds === 0 ? 1000 : Math.max(100, Math.min(1000, (timeoutSeconds * 1000) / 4));
}

function randomJitter(max: number): number {
  return max > 0 ? Math.floor(Math.random() * (max + 1)) : 0;
}

function formatBytes(n: number): string {
  return `${Math.round(n / 1024 / 1024)}MB`;
}

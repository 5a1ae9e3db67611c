/**
 * What a worker does with connections once its app is built: counts them and its requests
 * (our only per-request work), writes the access log and runs request hooks when configured,
 * and drains: busy keep-alive connections answered with `Connection: close` (spread out),
 * idle ones closed after the keep-alive timeout, then the app's close hooks and the exit.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type ListenOptions, type Socket } from 'node:net';
import type { ServedApp } from '../adapter/contract.js';
import { describeError, ExitCode } from '../errors.js';
import { acceptOn, type ListeningHandle, takeConnections } from '../handles.js';
import { runIsolatedHooks } from '../hooks.js';
import type { Logger } from '../logger.js';
import { type ConnectionHandle, type RetireKind, sendToMaster } from '../protocol/messages.js';
import type { WorkerStats } from '../protocol/worker-stats.js';
import type { BindAddress } from '../settings/bind.js';
import type { Settings } from '../settings/index.js';
import type { WorkerInfo } from '../types.js';
import { AccessLog } from './access-log.js';
import { installListener, type Listener } from './listener-facade.js';
import { beforeEachRequest } from './request-hook.js';
import { guardRequestLimits } from './request-limits.js';
import { RequestMetrics } from './request-metrics.js';
import { applyServerTimeouts } from './server-timeouts.js';

/** How often a draining worker looks whether its last connection has closed. */
const DRAIN_CHECK_MS = 20;

/** The serving side of one worker: connections, counting, request extras and the drain. */
export class Serving {
  private app: ServedApp | null = null;
  private requestCount = 0;
  /** Real traffic is being served (warm-up is over). */
  private serving = false;
  private draining = false;
  private retireAsked = false;
  private finishing = false;
  /** How handed-over connections reach the app's server, once the worker serves. */
  private listener: Listener | null = null;
  /** Listening sockets this worker accepts on itself (dispatch shared or reuseport). */
  private readonly ownListeners: { close(): void }[] = [];
  private readonly closeAt = new WeakMap<Socket, number>();
  private accessLog: AccessLog | null = null;
  /** Per-request figures for /metrics; null (and nothing on the request path) when the admin listener is off. */
  private metrics: RequestMetrics | null = null;
  private readonly maxRequests: number;

  constructor(
    private readonly worker: WorkerInfo,
    private readonly settings: Settings,
    private readonly log: Logger,
  ) {
    this.maxRequests = settings.maxRequests > 0 ? settings.maxRequests + randomJitter(settings.maxRequestsJitter) : 0;
  }

  /** Requests served so far (warm-up requests not counted). */
  get requests(): number {
    return this.requestCount;
  }

  /**
   * Connections with a request in flight, read from Node's own list of the server's
   * connections (the one `closeIdleConnections()` reads) at heartbeat time, so that counting
   * costs nothing per request; the open connections where this Node has no such list.
   */
  get busy(): number {
    const list = this.app ? connectionsList(this.app.server) : undefined;
    return list ? list.active().length : this.openConnections;
  }

  /**
   * The app server's open connections, upgraded ones included: Node's own count, which its
   * accept path and ours keep (`net.Server#_connections`, behind getConnections()). Counting
   * with a 'connection' listener of our own would cost each connection a second listener and a
   * 'close' listener.
   */
  private get openConnections(): number {
    return this.app ? (this.app.server as unknown as { _connections: number })._connections : 0;
  }

  /** The sockets of the app server's HTTP connections, from Node's list; none where this Node has no list. */
  private httpSockets(): Socket[] {
    const list = this.app ? connectionsList(this.app.server) : undefined;
    return list ? list.all().flatMap((parser) => (parser.socket ? [parser.socket] : [])) : [];
  }

  /** Whether the worker is draining or has asked to be replaced. */
  get leaving(): boolean {
    return this.retireAsked || this.draining;
  }

  /** Applies the timeout settings, before warm-up. */
  configure(app: ServedApp): void {
    this.app = app;
    if (!app.ownsServerTimeouts) applyServerTimeouts(app.server, this.settings);
  }

  /**
   * Installs the request counter, our only per-request work, and the access log and request
   * hooks when configured. Called when the worker starts serving, so warm-up requests are
   * not counted for max-requests, logged, or shown to preRequest and postRequest.
   */
  start(): void {
    this.serving = true;
    const app = this.app;
    if (!app) return;
    this.listener = installListener(app.server, this.settings.bind[0], () => this.askRetire('the app closed its server', 'app-closed'));
    this.installRequestExtras(app);
    const noKeepAlive = this.settings.keepAlive === 0;
    const metrics = this.metrics;
    beforeEachRequest(app.server, (_req: IncomingMessage, res: ServerResponse) => {
      this.requestCount++;
      if (metrics !== null) metrics.started(res);
      // A draining worker answers with `Connection: close`, so busy keep-alive clients move to
      // another worker after their current response instead of being reset later.
      if (noKeepAlive || (this.draining && this.dueToClose(res.socket))) res.shouldKeepAlive = false;
      if (this.requestCount === this.maxRequests) this.askRetire(`served ${this.requestCount} requests (max-requests)`, 'recycle');
    });
  }

  /** A connection the master handed over: served by the app, or closed when it does not serve yet. */
  accept(connection: ConnectionHandle): void {
    if (this.listener) return this.listener.accept(connection);
    // Warm-up's last pass: the private listener's own accept path, the one the listener uses later.
    const warming = this.app ? (this.app.server as unknown as { _handle: ListeningHandle | null })._handle : null;
    if (warming) warming.onconnection(0, connection);
    else connection.close();
  }

  /**
   * `dispatch: shared`: accepts on the master's listening socket `index` itself, as a
   * gunicorn worker does; `giveBack` sends the master a copy to keep.
   */
  acceptOn(socket: ListeningHandle, index: number, giveBack: boolean): void {
    if (!this.listener || this.draining) return void socket.close();
    if (giveBack) sendToMaster({ tsu: 'listener', index }, undefined, socket);
    acceptOn(socket, (connection) => this.accept(connection));
    const err = socket.listen(this.settings.backlog);
    if (err !== 0) {
      this.log.warning(
        `Worker ${this.worker.id} could not accept on listening socket ${index} (${err}); the master hands its connections over`,
      );
      return void socket.close();
    }
    this.ownListeners.push(socket);
  }

  /** `dispatch: reuseport`: binds a socket of its own (SO_REUSEPORT) on each TCP address. */
  async listenOwn(addresses: readonly BindAddress[]): Promise<void> {
    for (const address of addresses) {
      if (address.kind !== 'tcp' || !this.listener || this.draining) continue;
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: address.host, port: address.port, backlog: this.settings.backlog, reusePort: true } as ListenOptions, () => {
          server.off('error', reject);
          resolve();
        });
      }).catch((err: Error) => this.log.warning(`Worker ${this.worker.id} could not bind ${address.text} with reusePort: ${err.message}`));
      if (!server.listening) continue;
      takeConnections(server, (connection) => this.accept(connection));
      this.ownListeners.push(server);
    }
  }

  /** Asks the master, once, to replace this worker; it keeps serving until drained. */
  askRetire(reason: string, kind: RetireKind): void {
    if (this.leaving) return;
    this.retireAsked = true;
    this.log.info(`Worker ${this.worker.id} asks to be replaced: ${reason}`);
    sendToMaster({ tsu: 'retire', reason, kind });
  }

  /** The figures for the next heartbeat, when metrics are on. */
  stats(): WorkerStats | undefined {
    return this.metrics?.report();
  }

  /** Writes out the access log's buffered lines (before a quick exit). */
  async flushLogs(): Promise<void> {
    await this.accessLog?.close();
  }

  /** Reopens the access log (USR1). */
  reopenLogs(): void {
    this.accessLog?.reopen();
  }

  /**
   * Graceful stop. The master has already stopped handing us connections. Busy keep-alive
   * connections get `Connection: close` on their next response; idle ones are closed after
   * the keep-alive timeout, when a well-behaved client has stopped reusing them, so closing
   * cannot race a request the client is sending. Then the app's close hooks run.
   */
  drain(reason: string, limitMs: number, spreadMs: number): void {
    if (this.draining) return;
    this.draining = true;
    // Stop accepting first: what waits in a shared socket's queue goes to the other workers.
    for (const own of this.ownListeners.splice(0)) own.close();
    this.spreadCloses(Math.min(spreadMs, limitMs / 4));
    this.log.info(`Worker ${this.worker.id} draining (${reason}), ${this.openConnections} connection(s) open`);
    setTimeout(() => this.forceExit('graceful-timeout'), limitMs).unref();
    const idleGraceMs = Math.min(limitMs / 2, this.settings.keepAlive * 1000 + 1000);
    setTimeout(() => this.app?.server.closeIdleConnections(), idleGraceMs).unref();
    if (this.openConnections === 0 || !this.serving) return void this.finishDrain();
    // Node announces no 'last connection closed' on a server still listening; the count is read.
    const check = setInterval(() => {
      if (this.openConnections > 0) return;
      clearInterval(check);
      void this.finishDrain();
    }, DRAIN_CHECK_MS);
  }

  private installRequestExtras(app: ServedApp): void {
    const { accessLogfile, accessLogFormat, preRequest, postRequest } = this.settings;
    guardRequestLimits(app.server, this.settings);
    if (this.settings.adminBind !== null) this.metrics = new RequestMetrics();
    if (accessLogfile !== null) {
      const accessLog = new AccessLog(
        accessLogfile,
        accessLogFormat,
        (err) => this.log.error(`Access log ${accessLogfile}: ${err.message}`),
        this.settings.logFormat === 'json' ? this.worker : null,
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

  /**
   * Gives each open connection its moment, within `spread` ms, to be answered with
   * `Connection: close`: all of them at once would reconnect in one burst, which the master
   * hands out one by one while clients wait.
   */
  private spreadCloses(spread: number): void {
    const now = Date.now();
    for (const socket of this.httpSockets()) this.closeAt.set(socket, now + Math.random() * spread);
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
      await this.listener?.close();
    } catch (err) {
      this.log.error(`App close failed: ${describeError(err).stack}`);
    }
    await this.exit(ExitCode.OK);
  }

  private forceExit(why: string): void {
    this.log.warning(`Worker ${this.worker.id} exiting with ${this.openConnections} connection(s) still open (${why})`);
    // Upgraded connections are not in Node's list; the exit closes them.
    for (const socket of this.httpSockets()) socket.destroy();
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
}

/** http.Server's internal ConnectionsList (lib/_http_server.js, `kConnections`). */
interface ConnectionsList {
  active(): readonly unknown[];
  /** The HTTP parser of each connection, with its socket. */
  all(): readonly { readonly socket?: Socket | null }[];
}

function connectionsList(server: object): ConnectionsList | undefined {
  const key = Object.getOwnPropertySymbols(server).find((s) => s.description === 'http.server.connections');
  const list = key ? (server as Record<symbol, unknown>)[key] : undefined;
  return list && typeof (list as ConnectionsList).active === 'function' ? (list as ConnectionsList) : undefined;
}

function randomJitter(max: number): number {
  return max > 0 ? Math.floor(Math.random() * (max + 1)) : 0;
}

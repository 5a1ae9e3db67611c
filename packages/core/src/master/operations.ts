/**
 * The operations surface of the master: the admin listener (/livez, /readyz, /metrics), the
 * control socket behind `tsunicorn ctl`, and systemd's notifications. The arbiter tells it
 * what happens (a worker's heartbeat, ready, exit; a reload; a stop) and it asks the arbiter
 * for its status and for actions through ServerControls; it never touches workers itself.
 * With neither --admin-bind nor --control-socket nor NOTIFY_SOCKET it does nothing at all.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.js';
import type { RetireKind } from '../protocol/messages.js';
import type { WorkerStats } from '../protocol/worker-stats.js';
import type { Settings } from '../settings/index.js';
import type { WorkerExitInfo } from '../types.js';
import { startAdminServer } from './admin-server.js';
import { type ControlAnswer, type ControlRequest, startControlSocket } from './control-socket.js';
import { METRICS_CONTENT_TYPE, MetricsBook, type ReloadResult, type RestartReason } from './metrics.js';
import type { ActionResult, ServerControls, ServerStatus, WorkerStatus } from './server-status.js';
import { SystemdNotifier } from './systemd.js';
import type { WorkerHandle } from './worker-handle.js';

/** How a reload ended, as Reload reports it. */
export interface ReloadOutcome {
  readonly result: ReloadResult;
  readonly message: string;
}

export class Operations {
  private readonly book = new MetricsBook();
  private readonly notifier: SystemdNotifier;
  private readonly stats = new WeakMap<WorkerHandle, WorkerStats>();
  private readonly rss = new WeakMap<WorkerHandle, number>();
  private readonly retireKinds = new WeakMap<WorkerHandle, RetireKind>();
  private readonly hung = new WeakSet<WorkerHandle>();
  private readonly closers: (() => Promise<void>)[] = [];
  private readonly stopWaiters: (() => void)[] = [];
  /** A new master (USR2) was started: it, not this one, tells systemd about the service. */
  private handedOver = false;

  constructor(
    private readonly controls: ServerControls,
    private readonly settings: () => Settings,
    private readonly log: Logger,
  ) {
    this.notifier = new SystemdNotifier(log);
  }

  /** Opens the admin listener and the control socket the settings name (read once, at start). */
  async start(): Promise<void> {
    const { adminBind, controlSocket } = this.settings();
    if (adminBind) {
      const admin = await startAdminServer(adminBind, {
        notReadyBecause: () => this.notReadyBecause(),
        metrics: () => ({
          contentType: METRICS_CONTENT_TYPE,
          body: this.book.render(this.controls.status(), this.notReadyBecause() === null),
        }),
      });
      this.closers.push(() => closeHttp(admin));
      this.log.info(`Admin listener at: ${describeAddress(admin.address())} (/livez, /readyz, /metrics)`);
    }
    if (controlSocket) {
      const control = await startControlSocket(controlSocket, (request) => this.answer(request));
      this.closers.push(() => control.close());
      this.log.info(`Control socket at: ${controlSocket} (tsunicorn ctl)`);
    }
  }

  /** Null when /readyz answers 200, else why not. */
  notReadyBecause(): string | null {
    const status = this.controls.status();
    if (status.stopRequested || status.state === 'stopping') return 'stopping';
    if (status.woundDown) return 'a new master serves (WINCH)';
    const serving = status.workers.filter((w) => w.phase === 'ready' || w.phase === 'retiring').length;
    const min = this.settings().readyMinWorkers;
    const needed = min === 0 ? status.target : Math.min(min, status.target);
    if (status.state === 'starting' || serving < needed) return `${serving} of ${needed} workers warm and serving`;
    return null;
  }

  // ── what the arbiter reports ────────────────────────────────────────────────────────

  heartbeat(worker: WorkerHandle, rss: number, stats: WorkerStats | undefined): void {
    this.rss.set(worker, rss);
    if (stats) this.stats.set(worker, stats);
  }

  retireAsked(worker: WorkerHandle, kind: RetireKind): void {
    this.retireKinds.set(worker, kind);
  }

  /** The master killed a hung worker. */
  killedHung(worker: WorkerHandle): void {
    this.hung.add(worker);
  }

  /** A worker exited; `stopping`: the server is stopping, so nothing was restarted. */
  workerExited(worker: WorkerHandle, reason: WorkerExitInfo['reason'], generation: number, stopping: boolean): void {
    this.book.workerExited(worker.id, this.stats.get(worker) ?? null);
    const restart = stopping ? null : this.restartReason(worker, reason, generation);
    if (restart) this.book.restarted(worker.id, restart);
  }

  /** The first generation is warm. */
  started(status: ServerStatus): void {
    this.notifier.ready(`${status.target} worker(s) warm and serving`);
  }

  /** A reload began: systemd hears RELOADING=1 now and READY=1 once it is over. */
  reloadStarted(outcome: Promise<ReloadOutcome>): void {
    this.notifier.reloading();
    void outcome.then(({ result }) => {
      this.book.reloaded(result);
      // A superseded reload is followed by the newer one's READY=1.
      if (result !== 'superseded') this.notifier.ready(`gen ${this.controls.status().generation} serving`);
    });
  }

  /** USR2 started a new master (which becomes systemd's main pid once it is ready), or it exited. */
  upgrading(running: boolean): void {
    this.handedOver = running;
  }

  /** TERM (or INT) arrived: /readyz is 503 from now on, and systemd hears STOPPING=1. */
  stopping(): void {
    if (!this.handedOver) this.notifier.stopping();
  }

  /** The master is about to exit: answers `ctl stop`, closes the listeners, sends what is queued. */
  async close(): Promise<void> {
    for (const done of this.stopWaiters.splice(0)) done();
    // Answers to `ctl stop` are written before the socket closes.
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all(this.closers.splice(0).map((close) => close()));
    await this.notifier.flush();
  }

  /** How `ctl status` and /metrics see one worker. */
  describe(worker: WorkerHandle, now: number): WorkerStatus {
    return {
      slot: worker.id,
      pid: worker.pid,
      generation: worker.generation,
      phase: phaseOf(worker),
      requests: worker.requests,
      rss: this.rss.get(worker) ?? null,
      uptimeMs: now - worker.spawnedAt,
      bootMs: worker.readyAt > 0 ? worker.readyAt - worker.spawnedAt : null,
      warmup: worker.warmup,
      stats: this.stats.get(worker) ?? null,
    };
  }

  private restartReason(worker: WorkerHandle, reason: WorkerExitInfo['reason'], generation: number): RestartReason | null {
    if (this.hung.has(worker)) return 'hang';
    if (reason === 'crashed' || reason === 'boot-failed') return 'crash';
    const kind = this.retireKinds.get(worker);
    // An app that closed its own server stopped serving unasked: counted as a crash.
    if (kind) return kind === 'app-closed' ? 'crash' : kind;
    if (worker.generation < generation) return 'reload';
    // Killed without being hung: still busy after graceful-timeout while being replaced.
    return reason === 'killed' ? 'crash' : null;
  }

  // ── the control socket ──────────────────────────────────────────────────────────────

  private async answer(request: ControlRequest): Promise<ControlAnswer> {
    switch (request.cmd) {
      case 'status':
        return { ok: true, message: 'status', status: this.controls.status() };
      case 'reload':
        return this.controls.reloadAndWait();
      case 'scale':
        return this.scale(request.workers);
      case 'stop':
        return new Promise((resolve) => {
          this.stopWaiters.push(() => resolve({ ok: true, message: 'stopped' }));
          void this.controls.stop(request.quick ? 'quick' : 'graceful');
        });
      case 'reopen-logs':
        await this.controls.reopenLogsNow();
        return { ok: true, message: 'reopened the log files' };
    }
  }

  /** Asks for `workers` and answers once exactly that many are warm and no other is left. */
  private async scale(workers: number): Promise<ActionResult> {
    const asked = await this.controls.scaleTo(workers);
    if (!asked.ok) return asked;
    const { bootTimeout, gracefulTimeout } = this.settings();
    const deadline = Date.now() + (bootTimeout + gracefulTimeout + 5) * 1000;
    for (;;) {
      const status = this.controls.status();
      const ready = status.workers.filter((w) => w.phase === 'ready').length;
      if (ready === workers && status.workers.length === workers) return { ok: true, message: `${workers} worker(s) warm and serving` };
      if (status.state === 'stopping') return { ok: false, message: 'the server is stopping' };
      if (Date.now() > deadline)
        return { ok: false, message: `${ready} of ${workers} workers ready after ${bootTimeout + gracefulTimeout + 5}s` };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function describeAddress(address: AddressInfo | string | null): string {
  if (typeof address === 'string') return `unix:${address}`;
  if (!address) return '?';
  return address.family === 'IPv6' ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
}

/** Closes the admin listener, its keep-alive scrapers' connections included. */
function closeHttp(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The lifecycle state as `ctl status` names it (an ending worker is shown as draining). */
function phaseOf(worker: WorkerHandle): WorkerStatus['phase'] {
  const { name } = worker.state;
  if (name === 'booting' || name === 'ready' || name === 'retiring') return name;
  return worker.state.name === 'ending' && !worker.state.booted ? 'booting' : 'draining';
}

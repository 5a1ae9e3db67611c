/**
 * The master. Signal handlers and `ctl` commands only queue (action-queue.ts); after each
 * action, and every 250 ms, `tick()` does housekeeping in a fixed order: kill the silent,
 * restore the count, start replacements. Worker messages and exits update the record of each
 * worker and wake the loop.
 */
import type { ChildProcess } from 'node:child_process';
import { describeError, ExitCode, type ExitCodeValue } from '../errors.js';
import type { ListeningHandle } from '../handles.js';
import { runIsolatedHooks } from '../hooks.js';
import type { Logger } from '../logger.js';
import { parseWorkerMessage, sendToWorker, type WarmupSummary, type WorkerMessage } from '../protocol/messages.js';
import type { Settings } from '../settings/index.js';
import type { MasterInfo, WorkerExitInfo } from '../types.js';
import { ActionQueue, type QueuedAction } from './action-queue.js';
import { Dispatcher, type WorkerChange } from './dispatcher.js';
import { GenerationReports } from './generation-reports.js';
import { Listeners } from './listeners.js';
import { Operations } from './operations.js';
import { Reload } from './reload.js';
import { checkReusePortSupport, warnAboutReusePortQueues } from './reuseport.js';
import type { ActionResult, ServerControls, ServerStatus } from './server-status.js';
import { type Slot, Slots } from './slots.js';
import { spawnWorker, type WorkerCommand } from './spawn.js';
import { startNewMaster } from './upgrade.js';
import { DRAIN_SPREAD_MS, type WorkerHandle } from './worker-handle.js';

/** Signals the master handles, and what each does. docs/signals.md documents them. */
const signalActions = {
  SIGHUP: (a: Arbiter) => a.reload(),
  SIGTERM: (a: Arbiter) => a.stopGracefully(),
  SIGINT: (a: Arbiter) => a.stopQuickly(),
  SIGQUIT: (a: Arbiter) => a.stopQuickly(),
  SIGTTIN: (a: Arbiter) => a.scale(+1),
  SIGTTOU: (a: Arbiter) => a.scale(-1),
  SIGUSR1: (a: Arbiter) => a.reopenLogs(),
  SIGUSR2: (a: Arbiter) => a.upgrade(),
  SIGWINCH: (a: Arbiter) => a.windDown(),
} as const satisfies Record<string, (a: Arbiter) => unknown>;

/** A signal the master handles. */
export type HandledSignal = keyof typeof signalActions;

/** Starts one worker process and returns the master's record of it. */
export type SpawnProcess = (
  settings: Settings,
  id: number,
  generation: number,
  onChange: (worker: WorkerHandle, change: WorkerChange) => void,
) => WorkerHandle;

export interface ArbiterOptions {
  readonly settings: Settings;
  readonly command: WorkerCommand;
  readonly log: Logger;
  /** Re-reads the config for a reload, settings read at start kept at their running value; throws when the new config is invalid. */
  readonly rereadSettings: () => Promise<Settings>;
  /** Starts a worker; `spawnWorker` unless given (unit tests give fake processes). */
  readonly spawn?: SpawnProcess;
  /** Whether `run()` listens to process signals; unit tests call `signal()` instead. */
  readonly installSignals?: boolean;
}

type State = 'starting' | 'running' | 'stopping';

export class Arbiter implements ServerControls {
  settings: Settings;
  readonly log: Logger;
  private state: State = 'starting';
  private generation = 1;
  private target: number;
  /** What last changed `target`, for the log of the workers a scale-down retires. */
  private resizedBy = 'TTOU';
  private readonly slots = new Slots();
  private readonly workers = new Set<WorkerHandle>();
  /** Signals' and `ctl` commands' actions, run one at a time. */
  private readonly actions: ActionQueue<Arbiter>;
  private readonly listeners: Listeners;
  private readonly dispatcher = new Dispatcher<WorkerHandle>();
  private reloading: Reload | null = null;
  private exitCode: ExitCodeValue = ExitCode.OK;
  private done!: (code: ExitCodeValue) => void;
  private timer: NodeJS.Timeout | null = null;
  private newMaster: ChildProcess | null = null;
  /** TERM was handled (the shutdown delay may still be running): no more reloads or scaling. */
  private stopRequested = false;
  /** WINCH handed serving to a new master: this one only waits for TERM. */
  private woundDown = false;
  private readonly reports: GenerationReports;
  private shutdownTimer: NodeJS.Timeout | null = null;
  private readonly spawnProcess: SpawnProcess;
  private readonly startedAt = Date.now();
  /** Admin listener, control socket, systemd: idle unless configured. */
  private readonly ops: Operations;

  constructor(private readonly options: ArbiterOptions) {
    this.settings = options.settings;
    this.log = options.log;
    this.target = options.settings.workers;
    this.listeners = new Listeners((connection) => this.dispatcher.accept(connection));
    this.spawnProcess = options.spawn ?? ((...args) => spawnWorker(options.command, ...args));
    this.ops = new Operations(this, () => this.settings, this.log);
    this.actions = new ActionQueue<Arbiter>(this, this.log, () => this.tick());
    this.reports = new GenerationReports(this.log);
  }

  /** Binds, spawns the workers and serves until stopped. Resolves with the exit code. */
  async run(): Promise<ExitCodeValue> {
    const finished = new Promise<ExitCodeValue>((resolve) => (this.done = resolve));
    await this.hook('onStarting', this.settings.onStarting);
    this.dispatcher.configure(this.settings.backlog, this.settings.balance);
    if (this.settings.dispatch === 'reuseport') checkReusePortSupport();
    await this.listeners.bind(this.settings.bind, this.settings.backlog, this.settings.dispatch === 'reuseport');
    if (this.settings.dispatch === 'reuseport') warnAboutReusePortQueues(this.log);
    this.log.info(`Listening at: ${this.listeners.describe()} (${process.pid})`);
    await this.ops.start();
    if (this.options.installSignals !== false) this.installSignals();
    this.timer = setInterval(() => this.tick(), 250);
    this.tick();
    return finished;
  }

  /** What hooks see of the master. */
  get info(): MasterInfo {
    return { pid: process.pid, settings: this.settings, readyWorkers: this.dispatcher.readyCount };
  }

  /** The master and its workers now, for `ctl status`, /readyz and /metrics. */
  status(): ServerStatus {
    const now = Date.now();
    return {
      pid: process.pid,
      generation: this.generation,
      state: this.state,
      stopRequested: this.stopRequested,
      woundDown: this.woundDown,
      reloading: this.reloading !== null,
      target: this.target,
      waitingConnections: this.dispatcher.waitingCount,
      uptimeMs: now - this.startedAt,
      workers: [...this.workers].map((w) => this.ops.describe(w, now)).sort((a, b) => a.slot - b.slot || a.generation - b.generation),
    };
  }

  /** Where a signal goes: it is queued, and handled after the ones before it. */
  signal(signal: HandledSignal): void {
    const action: QueuedAction<Arbiter> = { name: `signal: ${signal.slice(3).toLowerCase()}`, run: signalActions[signal] };
    this.actions.enqueue(action);
  }

  /** Resolves once every queued signal has been handled. */
  settled(): Promise<void> {
    return this.actions.settled();
  }

  private installSignals(): void {
    for (const signal of Object.keys(signalActions) as HandledSignal[]) process.on(signal, () => this.signal(signal));
  }

  /** One turn of the loop: housekeeping in a fixed order. */
  private tick(): void {
    if (this.state === 'stopping') return;
    this.murderWorkers();
    this.manageWorkers();
  }

  // ── housekeeping ───────────────────────────────────────────────────────────────────

  /** Aborts workers that take too long to boot and kills hung ones, logging where they hung. */
  private murderWorkers(): void {
    const now = Date.now();
    const limits = { bootMs: this.settings.bootTimeout * 1000, silentMs: this.settings.timeout * 1000 };
    for (const worker of this.workers) {
      const deadline = worker.deadline(limits);
      if (!deadline || now <= deadline.at) continue;
      if (deadline.missed === 'hung') this.killHung(worker, now - worker.lastSeen);
      else {
        this.log.error(
          `Worker ${worker.id} (pid: ${worker.pid}) did not boot within ${this.settings.bootTimeout}s (boot-timeout); aborting it`,
        );
        worker.abort();
      }
    }
  }

  private killHung(worker: WorkerHandle, silentMs: number): void {
    const where = worker.lastHang ? `stuck in:\n${worker.lastHang.stack}` : 'no stack was captured';
    this.log.critical(
      `WORKER TIMEOUT: worker ${worker.id} (pid: ${worker.pid}) event loop silent for ${(silentMs / 1000).toFixed(1)}s (timeout ${this.settings.timeout}s), ${where}`,
    );
    worker.kill('hung');
    this.ops.killedHung(worker);
  }

  /** Restores the worker count and starts the replacements that are due. */
  private manageWorkers(): void {
    this.resizeSlots();
    // Old workers still booting when the reload began are marked once they are ready.
    this.reloading?.markOld(this.slots);
    // Scaling down can remove the last worker a reload waited for.
    this.checkReloaded();
    const now = Date.now();
    for (const slot of this.slots) {
      if (!slot.current && !slot.spawning && now >= slot.backoffUntil) this.spawn(slot, 'current');
    }
    let booting = this.slots.bootingSuccessors();
    for (const slot of this.slots) {
      if (booting >= this.settings.reloadConcurrency) break;
      if (slot.current?.isDueForReplacement && !slot.next && !slot.spawning && now >= slot.backoffUntil) {
        this.spawn(slot, 'next');
        booting++;
      }
    }
  }

  private resizeSlots(): void {
    while (this.slots.size < this.target) this.slots.add();
    while (this.slots.size > this.target) {
      const slot = this.slots.removeOldest();
      slot.next?.kill('discarded');
      if (slot.current) this.retire(slot.current, this.target === 0 ? 'the new master serves (WINCH)' : `scaled down (${this.resizedBy})`);
    }
  }

  /**
   * The settings a worker gets: the master's, with `bind` as it was bound (the ports the
   * kernel chose for port 0), which the worker's server reports as its address.
   */
  private workerSettings(): Settings {
    return Object.freeze({ ...this.settings, bind: this.listeners.addresses() });
  }

  private spawn(slot: Slot, role: 'current' | 'next'): void {
    slot.spawning = role;
    const generation = this.generation;
    void this.hook('preFork', this.settings.preFork, { id: slot.id, pid: 0, generation }).then(() => {
      slot.spawning = null;
      if (this.state === 'stopping' || !this.slots.has(slot)) return;
      // A reload aborted while preFork ran: the worker to replace is no longer due.
      if (generation !== this.generation || (role === 'next' && !slot.current?.isDueForReplacement)) return this.tick();
      const worker = this.spawnProcess(this.workerSettings(), slot.id, generation, (w, change) => this.dispatcher.workerChanged(w, change));
      slot[role] = worker;
      this.workers.add(worker);
      this.log.info(`Booting worker with pid: ${worker.pid} (worker ${slot.id}, gen ${generation})`);
      worker.child.on('message', (raw, handle) => this.onMessage(worker, parseWorkerMessage(raw), handle as ListeningHandle | undefined));
      worker.child.once('exit', (code, signal) => this.reap(worker, code, signal));
    });
  }

  // ── worker events ──────────────────────────────────────────────────────────────────

  private onMessage(worker: WorkerHandle, message: WorkerMessage | null, handle?: ListeningHandle): void {
    if (!message) return;
    worker.lastSeen = Date.now();
    switch (message.tsu) {
      case 'heartbeat':
        worker.checkIn(message.requests, message.busy);
        this.ops.heartbeat(worker, message.rss, message.stats);
        return;
      case 'ready':
        return this.onReady(worker, message.warmup);
      case 'retire':
        worker.markForReplacement(message.reason);
        this.ops.retireAsked(worker, message.kind);
        return this.tick();
      case 'listener':
        if (handle) this.listeners.park(message.index, handle);
        return;
      case 'boot-failed':
        worker.bootFailure = { appLoad: message.appLoad, message: message.message, stack: message.stack };
        return this.reports.bootFailure(worker, message.stack);
      case 'loaded':
        this.log.debug(`Worker ${worker.id} (pid: ${worker.pid}) loaded the app (${message.adapter} adapter)`);
        return;
    }
  }

  private onReady(worker: WorkerHandle, warmup: WarmupSummary): void {
    if (this.state === 'stopping' || !worker.becomeReady(warmup)) return;
    const w = warmup;
    this.log.info(
      `Worker ${worker.id} (pid: ${worker.pid}, gen ${worker.generation}) ready in ${worker.readyAt - worker.spawnedAt} ms; ` +
        `warm-up ${w.requests} requests, ${w.hits} hits, first ${w.firstMs} ms, last ${w.lastMs} ms`,
    );
    this.openListeners(worker);
    this.reports.warmup(worker, w);
    const slot = this.slots.of(worker);
    if (slot?.next === worker) this.promote(slot);
    this.checkStarted();
    this.checkReloaded();
    this.tick();
  }

  /**
   * With `dispatch: shared` a warm worker gets the listening sockets to accept on (the first
   * also hands a copy back for the master to keep unpolled); with `reuseport` it binds its own.
   */
  private openListeners(worker: WorkerHandle): void {
    const { dispatch } = this.settings;
    if (dispatch === 'reuseport') sendToWorker(worker.child, { tsu: 'listen-own', addresses: this.listeners.addresses() });
    if (dispatch !== 'shared') return;
    for (let index = 0; index < this.listeners.count; index++) {
      const handle = this.listeners.handle(index);
      if (handle) worker.sendListener({ tsu: 'listen', index, giveBack: this.listeners.polls(index) }, handle);
    }
  }

  /** A successor is warm: it takes the slot and its predecessor drains. Replace, then retire. */
  private promote(slot: Slot): void {
    const old = slot.current;
    slot.current = slot.next;
    slot.next = null;
    if (old) this.retire(old, old.replacementReason ?? 'replaced');
  }

  private retire(worker: WorkerHandle, reason: string): void {
    this.log.info(`Retiring worker ${worker.id} (pid: ${worker.pid}, gen ${worker.generation}): ${reason}`);
    // Its clients move to the other workers: spread their reconnections (see DRAIN_SPREAD_MS).
    worker.drain(reason, this.settings.gracefulTimeout * 1000, DRAIN_SPREAD_MS);
  }

  private reap(worker: WorkerHandle, code: number | null, signal: NodeJS.Signals | null): void {
    const reason = worker.exitReason(code);
    const line = worker.describeExit(reason, code, signal);
    worker.exited(code);
    this.workers.delete(worker);
    const slot = this.slots.of(worker);
    this.slots.release(worker);
    if (reason === 'retired') this.log.info(line);
    else this.log.error(line);
    const exit: WorkerExitInfo = { id: worker.id, pid: worker.pid, generation: worker.generation, exitCode: code, signal, reason };
    void this.hook('childExit', this.settings.childExit, exit);
    this.ops.workerExited(worker, reason, this.generation, this.state === 'stopping');
    if (this.state === 'stopping') return this.checkStopped();
    if (reason === 'boot-failed') this.onBootFailure(worker, slot);
    else if (reason === 'crashed' || reason === 'killed') slot?.recordCrash(worker, this.log);
    this.tick();
  }

  private onBootFailure(worker: WorkerHandle, slot: Slot | undefined): void {
    if (this.state === 'starting') {
      const appLoad = worker.bootFailure?.appLoad ?? false;
      const why = worker.bootFailure?.message.split('\n')[0]?.replace(/^App failed to load: /, '') ?? `it exited before it was ready`;
      const code = appLoad ? ExitCode.APP_LOAD : ExitCode.WORKER_BOOT;
      this.log.critical(`${appLoad ? 'App failed to load' : 'Worker failed to boot'} (exit code ${code}): ${why}`);
      return void this.shutdown(appLoad ? ExitCode.APP_LOAD : ExitCode.WORKER_BOOT, 'quick');
    }
    if (this.reloading && worker.generation === this.reloading.generation) {
      return this.abortReload(worker.bootFailure?.message ?? `worker ${worker.id} exited before it was ready`);
    }
    slot?.recordCrash(worker, this.log);
  }

  private checkStarted(): void {
    if (this.state !== 'starting' || this.dispatcher.readyCount < this.target) return;
    this.state = 'running';
    this.setTitle();
    this.log.info(`Ready: ${this.target} worker(s) serving at ${this.listeners.describe()}`);
    this.ops.started(this.status());
    void this.hook('whenReady', this.settings.whenReady);
  }

  // ── signals ────────────────────────────────────────────────────────────────────────

  /**
   * HUP: a rolling reload to a new generation, replacing each worker only once its successor
   * is warm. Resolves once it has started (its `outcome` tells how it ends), or with why it was
   * refused; it does not wait for the reload, so that the next signal is not held up.
   */
  async reload(): Promise<Reload | string> {
    const refused = this.refusal('Reload');
    if (refused) return refused;
    let next: Settings;
    try {
      next = await this.options.rereadSettings();
    } catch (err) {
      const message = `Reload refused, keeping the current config: ${describeError(err).message}`;
      this.log.error(message);
      return message;
    }
    const late = this.refusal('Reload');
    if (late) return late;
    // If this HUP supersedes a reload in progress, a failure returns to the settings before both.
    const previous = this.reloading?.previous ?? this.settings;
    this.reloading?.supersede(this.slots);
    this.generation++;
    const reload = new Reload(this.generation, previous, this.log);
    this.reloading = reload;
    this.ops.reloadStarted(reload.outcome);
    this.settings = next;
    await this.hook('onReload', this.settings.onReload);
    this.reloading?.markOld(this.slots);
    this.log.info(
      `Reloading: gen ${this.generation}, replacing ${this.slots.size} worker(s), ${this.settings.reloadConcurrency} at a time`,
    );
    this.tick();
    return reload;
  }

  /** `ctl reload`: a reload, answered once every worker is of the new generation or it failed. */
  async reloadAndWait(): Promise<ActionResult> {
    const reload = await this.actions.perform('ctl reload', () => this.reload());
    if (typeof reload === 'string') return { ok: false, message: reload };
    const { result, message } = await reload.outcome;
    return { ok: result === 'ok', message };
  }

  private checkReloaded(): void {
    const reload = this.reloading;
    if (!reload?.progress(this.slots)) return;
    this.reloading = null;
    this.applyReloaded(reload.previous);
  }

  private setTitle(): void {
    process.title = `${this.settings.procName}: master [${this.settings.app ?? process.argv[1] ?? ''}]`;
  }

  /**
   * Once a reload is complete, what else its config changed: the way connections are shared
   * out, the process title, and the worker count — only when the config's `workers` changed,
   * so that a count set with TTIN, TTOU or `ctl scale` survives a reload that leaves it alone.
   */
  private applyReloaded(before: Settings): void {
    const { settings } = this;
    this.dispatcher.configure(settings.backlog, settings.balance);
    if (settings.balance !== before.balance) this.log.info(`Balance: ${before.balance} -> ${settings.balance}`);
    this.setTitle();
    if (settings.workers !== before.workers) {
      this.log.info(`The config's workers changed from ${before.workers} to ${settings.workers}`);
      this.actions.enqueue({
        name: 'workers from the config',
        run: async () => {
          if (this.accepting(`The config's worker count`)) await this.resize(settings.workers, "the config's workers");
        },
      });
    }
  }

  /** A new worker failed to boot: the reload stops and the old generation keeps serving. */
  private abortReload(why: string): void {
    const reload = this.reloading!;
    this.reloading = null;
    this.settings = reload.previous;
    reload.abort(this.slots, why);
  }

  /** Whether the server takes a reload, scaling or upgrade now; logs why not. */
  private accepting(what: string): boolean {
    return this.refusal(what) === null;
  }

  /** Why the server does not take a reload, scaling or upgrade now (logged), or null. */
  private refusal(what: string): string | null {
    const why =
      this.state !== 'running'
        ? 'the server is not running'
        : this.stopRequested
          ? 'the server is stopping'
          : this.woundDown
            ? 'a new master serves (WINCH)'
            : null;
    if (why === null) return null;
    const message = `${what} ignored: ${why}`;
    this.log.warning(message);
    return message;
  }

  /** TERM: stop accepting, let every worker finish its requests, exit 0. */
  async stopGracefully(): Promise<void> {
    if (this.state === 'stopping' || this.stopRequested) return;
    this.stopRequested = true;
    this.ops.stopping();
    if (this.settings.shutdownDelay === 0) return this.shutdown(ExitCode.OK, 'graceful');
    // The delay is not part of the action: INT during it still stops at once.
    this.log.info(`Shutdown delay: still accepting for ${this.settings.shutdownDelay}s`);
    this.shutdownTimer = setTimeout(() => void this.shutdown(ExitCode.OK, 'graceful'), this.settings.shutdownDelay * 1000);
  }

  /** INT/QUIT: stop at once. */
  async stopQuickly(): Promise<void> {
    await this.shutdown(ExitCode.OK, 'quick');
  }

  /** `ctl stop`: TERM's graceful stop, or INT's quick one. */
  async stop(how: 'graceful' | 'quick'): Promise<void> {
    await this.actions.perform(`ctl stop${how === 'quick' ? ' --quick' : ''}`, () =>
      how === 'graceful' ? this.stopGracefully() : this.stopQuickly(),
    );
  }

  private async shutdown(code: ExitCodeValue, how: 'graceful' | 'quick'): Promise<void> {
    if (this.state === 'stopping') return;
    if (!this.stopRequested) this.ops.stopping();
    this.state = 'stopping';
    this.exitCode = code;
    if (this.shutdownTimer) clearTimeout(this.shutdownTimer);
    this.listeners.close(this.newMaster !== null);
    this.dispatcher.close();
    for (const worker of this.workers) {
      if (how === 'graceful' && !worker.isBooting) worker.drain('server stopping', this.settings.gracefulTimeout * 1000, 0);
      else worker.quit();
    }
    this.checkStopped();
  }

  private checkStopped(): void {
    if (this.state !== 'stopping' || this.workers.size > 0) return;
    if (this.timer) clearInterval(this.timer);
    void this.hook('onExit', this.settings.onExit).then(() => {
      this.log.info('Shutting down: Master');
      return this.ops.close().then(() => this.done(this.exitCode));
    });
  }

  /** TTIN/TTOU: one worker more or fewer (never below one); the count survives reloads that leave the config's workers alone. */
  async scale(delta: number): Promise<void> {
    if (!this.accepting(delta > 0 ? 'TTIN' : 'TTOU')) return;
    await this.resize(Math.max(1, this.target + delta), delta > 0 ? 'TTIN' : 'TTOU');
  }

  /** `ctl scale N`: sets the worker count (at least one); resolves once the change is asked. */
  scaleTo(workers: number): Promise<ActionResult> {
    return this.actions.perform('ctl scale', async (): Promise<ActionResult> => {
      const refused = this.refusal('Scale');
      if (refused) return { ok: false, message: refused };
      await this.resize(Math.max(1, workers), 'ctl scale');
      return { ok: true, message: `workers: ${this.target}` };
    });
  }

  private async resize(target: number, by: string): Promise<void> {
    const old = this.target;
    this.target = target;
    this.resizedBy = by;
    if (this.target === old) return this.log.info(`Keeping ${old} worker(s)${old === 1 ? ': never fewer than one' : ''}`);
    this.log.info(`Workers: ${old} -> ${this.target}`);
    await this.hook('nworkersChanged', this.settings.nworkersChanged, this.target, old);
  }

  /** USR2: start a new master with the listening sockets (upgrade tsunicorn or Node). */
  upgrade(): void {
    if (!this.accepting('USR2')) return;
    if (this.newMaster) {
      return this.log.warning(`USR2 ignored: a new master (pid: ${this.newMaster.pid}) is already running`);
    }
    this.newMaster = startNewMaster(this.listeners.fds(), this.log, () => {
      this.newMaster = null;
      this.ops.upgrading(false);
    });
    this.ops.upgrading(true);
  }

  /**
   * WINCH, after USR2: this master stops accepting and retires its workers, leaving the new
   * master to serve; it stays up until TERM. Without a new master, WINCH is ignored (gunicorn
   * applies it only to a daemonized master).
   */
  async windDown(): Promise<void> {
    if (!this.newMaster) return this.log.info('WINCH ignored: no new master is running (see USR2)');
    if (this.woundDown) return;
    this.woundDown = true;
    this.listeners.close(true);
    this.dispatcher.close();
    this.log.info(
      `WINCH: stopped accepting and retiring ${this.workers.size} worker(s); the new master (pid: ${this.newMaster.pid}) serves. Send TERM to finish.`,
    );
    const old = this.target;
    this.target = 0;
    const hooked = this.hook('nworkersChanged', this.settings.nworkersChanged, 0, old);
    this.tick();
    await hooked;
  }

  /** `ctl reopen-logs`: USR1's action, in the queue. */
  reopenLogsNow(): Promise<void> {
    return this.actions.perform('ctl reopen-logs', () => this.reopenLogs());
  }

  /** USR1: reopen log files here and in every worker (after logrotate). */
  reopenLogs(): void {
    this.log.reopen();
    this.log.info('Reopened the log files');
    for (const worker of this.workers) sendToWorker(worker.child, { tsu: 'reopen-logs' });
  }

  private hook<A extends unknown[]>(
    name: string,
    fns: readonly ((master: MasterInfo, ...args: A) => unknown)[],
    ...args: A
  ): Promise<void> {
    if (fns.length === 0) return Promise.resolve();
    return runIsolatedHooks(fns, [this.info, ...args] as [MasterInfo, ...A], {
      name,
      timeoutMs: this.settings.hookTimeout * 1000,
      log: this.log,
    });
  }
}

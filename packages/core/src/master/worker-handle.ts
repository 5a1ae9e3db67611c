import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { ListeningHandle } from '../handles.js';
import { type ConnectionHandle, type HangReport, type MasterMessage, sendToWorker, type WarmupSummary } from '../protocol/messages.js';
import type { WorkerExitInfo, WorkerInfo } from '../types.js';
import type { WorkerChange } from './dispatcher.js';

/**
 * Window over which a worker retired for a replacement spreads its `Connection: close`
 * answers, so its clients do not all reconnect at once. Measured with `pnpm bench reload`
 * (2 cores, 50 keep-alive connections, 2,000 req/s): reload-window p99 was 2.4-2.7x steady
 * with 0.5 s and 1.2-1.5x with 2 s; each reload takes about 2 s longer.
 */
export const DRAIN_SPREAD_MS = 2000;

/** How the master ended a worker that it did not let drain. */
export type Ending =
  /** INT/QUIT: asked to exit at once. */
  | 'quit'
  /** It did not boot within boot-timeout. */
  | 'boot-timeout'
  /** Its event loop was silent for longer than timeout. */
  | 'hung'
  /** A successor not yet serving, no longer wanted (its reload was aborted or superseded, or its slot removed). */
  | 'discarded'
  /** It was still draining after graceful-timeout. */
  | 'drain-timeout';

/**
 * Where a worker is in its life, as the master sees it:
 *
 *   booting ──ready──▶ ready ◀──keep──▶ retiring(reason) ──drain──▶ draining(reason) ──▶ exited
 *      │                 │                    │                          │
 *      └────────── end(quit | boot-timeout | hung | discarded) ──────────┴──▶ ending(how) ──▶ exited
 *
 * `retiring`: due for replacement; it serves until its successor is warm.
 */
export type WorkerState =
  | { readonly name: 'booting' }
  | { readonly name: 'ready' }
  | { readonly name: 'retiring'; readonly reason: string }
  | { readonly name: 'draining'; readonly reason: string }
  | { readonly name: 'ending'; readonly how: Ending; readonly booted: boolean }
  | { readonly name: 'exited'; readonly reason: WorkerExitInfo['reason'] };

/**
 * A handle sent to the worker and not yet acknowledged: a client connection, with where it
 * goes back to if the worker never takes it, or a listening socket (dispatch shared: the
 * master keeps its own copy, nothing to give back).
 */
type Handover =
  | { readonly connection: ConnectionHandle; readonly undelivered: (c: ConnectionHandle) => void }
  | { readonly connection: null };

/** Time limits a worker is held to, in ms (0: off). */
export interface Limits {
  readonly bootMs: number;
  readonly silentMs: number;
}

/** What a missed deadline means. */
export interface Deadline {
  readonly at: number;
  readonly missed: 'boot-timeout' | 'hung';
}

/**
 * The master's record of one worker process: its identity, its lifecycle as one state with
 * named transitions, its last check-in, and the term-then-kill steps. Every state change is
 * reported to `onChange` (the dispatcher). The code that runs inside the worker is worker/.
 */
export class WorkerHandle implements WorkerInfo {
  readonly pid: number;
  readonly spawnedAt = Date.now();
  readyAt = 0;
  lastSeen = Date.now();
  requests = 0;
  bootFailure: { appLoad: boolean; message: string; stack: string } | null = null;
  warmup: WarmupSummary | null = null;
  lastHang: HangReport | null = null;
  /** Connections with a request in flight at the last heartbeat. */
  private busy = 0;
  /** Connections handed over since the last heartbeat. */
  private handedSinceBeat = 0;
  /**
   * Connections sent that the worker has not acknowledged yet, oldest first, each with where
   * it goes back to. The master keeps its copy of each until the worker's child_process
   * acknowledges the handle (NODE_HANDLE_ACK: the worker holds its own descriptor and has read
   * nothing from it yet). If the worker dies first, or could not take the handle, the
   * connection — its request still unread in the kernel — goes to another worker.
   */
  private readonly unacknowledged: Handover[] = [];
  private current: WorkerState = { name: 'booting' };
  private killTimer: NodeJS.Timeout | null = null;
  private killDeadline = Number.POSITIVE_INFINITY;

  constructor(
    readonly id: number,
    readonly generation: number,
    readonly child: ChildProcess,
    private readonly onChange: (worker: WorkerHandle, change: WorkerChange) => void = () => {},
  ) {
    this.pid = child.pid ?? 0;
    this.readHangReports(child.stdio?.[4] as Readable | null | undefined);
    child.on('internalMessage', (message: { cmd?: string }) => this.onHandleAnswer(message.cmd));
  }

  /** The worker's state (see WorkerState). */
  get state(): WorkerState {
    return this.current;
  }

  // ── predicates ─────────────────────────────────────────────────────────────────────

  get isBooting(): boolean {
    return this.current.name === 'booting';
  }

  /** Warm and not being ended: the dispatcher may hand it connections. */
  get canTakeConnections(): boolean {
    return this.current.name === 'ready' || this.current.name === 'retiring';
  }

  /** Serving until its successor is warm. */
  get isDueForReplacement(): boolean {
    return this.current.name === 'retiring';
  }

  /** Why it is due for replacement, or null. */
  get replacementReason(): string | null {
    return this.current.name === 'retiring' ? this.current.reason : null;
  }

  /** The next deadline it must meet (boot, or check in), or null when none applies. */
  deadline(limits: Limits): Deadline | null {
    const { name } = this.current;
    if (name === 'booting') return limits.bootMs > 0 ? { at: this.spawnedAt + limits.bootMs, missed: 'boot-timeout' } : null;
    // A draining worker is checked too: a hung one is killed with its stack logged.
    if (name === 'ready' || name === 'retiring' || name === 'draining') {
      return limits.silentMs > 0 ? { at: this.lastSeen + limits.silentMs, missed: 'hung' } : null;
    }
    return null;
  }

  // ── transitions ────────────────────────────────────────────────────────────────────

  /** Booted and warm. False when it was not booting (it is being ended). */
  becomeReady(warmup: WarmupSummary): boolean {
    if (this.current.name !== 'booting') return false;
    this.readyAt = Date.now();
    this.warmup = warmup;
    this.set({ name: 'ready' });
    return true;
  }

  /** Marks it for replacement; it serves until its successor is warm. The first reason stays. */
  markForReplacement(reason: string): void {
    if (this.current.name === 'ready') this.set({ name: 'retiring', reason });
  }

  /** Cancels a replacement marked for `reason` (an aborted reload): it stays. */
  keep(reason: string): void {
    if (this.current.name === 'retiring' && this.current.reason === reason) this.set({ name: 'ready' });
  }

  /**
   * What least-busy dispatch compares among workers free of a hand-over: requests in flight at
   * the last heartbeat, plus connections handed since.
   */
  get load(): number {
    return this.busy + this.handedSinceBeat;
  }

  /**
   * A handle sent has not been acknowledged yet. Its event loop acknowledges within
   * microseconds unless it is busy (a CPU-heavy request), so this is an instant, free measure
   * of whether it can take a connection now.
   */
  get handoverPending(): boolean {
    return this.unacknowledged.length > 0;
  }

  /** A heartbeat: requests served so far, and connections with a request in flight. */
  checkIn(requests: number, busy: number): void {
    this.lastSeen = Date.now();
    this.requests = requests;
    this.busy = busy;
    this.handedSinceBeat = 0;
  }

  /**
   * Hands a client connection to the worker; false when its channel is closed. Once the
   * message is written the worker holds its own descriptor, and the master closes its copy;
   * if it cannot be written (the worker died), `undelivered` gets the connection back.
   */
  sendConnection(connection: ConnectionHandle, undelivered: (connection: ConnectionHandle) => void): boolean {
    const entry = { connection, undelivered };
    this.unacknowledged.push(entry);
    const sent = sendToWorker(this.child, { tsu: 'conn' }, connection, (err) => {
      if (err && this.forget(entry)) undelivered(connection);
    });
    if (sent) this.handedSinceBeat++;
    else this.forget(entry);
    return sent;
  }

  /**
   * Sends a listening socket to accept on (dispatch shared). It is counted among the handles
   * in transit: child_process acknowledges every handle, in the order sent.
   */
  sendListener(message: Extract<MasterMessage, { tsu: 'listen' }>, listener: ListeningHandle): boolean {
    const entry = { connection: null };
    this.unacknowledged.push(entry);
    const sent = sendToWorker(this.child, message, listener, (err) => {
      if (err) this.forget(entry);
    });
    if (!sent) this.forget(entry);
    return sent;
  }

  /** The worker's child_process answered for the oldest handle sent: it took it, or could not. */
  private onHandleAnswer(cmd: string | undefined): void {
    if (cmd !== 'NODE_HANDLE_ACK' && cmd !== 'NODE_HANDLE_NACK') return;
    const entry = this.unacknowledged.shift();
    if (!entry) return;
    if (entry.connection) {
      if (cmd === 'NODE_HANDLE_ACK') entry.connection.close();
      else entry.undelivered(entry.connection);
    }
    if (this.unacknowledged.length === 0) this.onChange(this, 'free');
  }

  private forget(entry: Handover): boolean {
    const i = this.unacknowledged.indexOf(entry);
    if (i >= 0) this.unacknowledged.splice(i, 1);
    return i >= 0;
  }

  /** Asks the worker to drain and exit; kills it if it is still there after `graceMs`. */
  drain(reason: string, graceMs: number, spreadMs: number): void {
    const { name } = this.current;
    if (name === 'draining' || name === 'ending' || name === 'exited') return;
    this.set({ name: 'draining', reason });
    sendToWorker(this.child, { tsu: 'drain', reason, spreadMs });
    this.killAfter(graceMs + 1000);
  }

  /** Asks the worker to exit at once (INT/QUIT); kills it after a short grace. */
  quit(): void {
    if (this.current.name === 'exited') return;
    // A drain or an earlier ending keeps its name: it says why the worker went.
    if (this.current.name !== 'draining' && this.current.name !== 'ending') this.end('quit');
    sendToWorker(this.child, { tsu: 'quit' });
    this.killAfter(2000);
  }

  /** Boot took too long: lets the worker run its workerAbort hook, then kills it. */
  abort(): void {
    this.end('boot-timeout');
    sendToWorker(this.child, { tsu: 'abort' });
    this.killAfter(1000);
  }

  /** Kills now: it hung, or it is a successor no longer wanted. */
  kill(how: 'hung' | 'discarded'): void {
    this.end(how);
    this.child.kill('SIGKILL');
  }

  /** The process has exited: forgets the pending kill and records why it ended. */
  exited(code: number | null): WorkerExitInfo['reason'] {
    if (this.killTimer) clearTimeout(this.killTimer);
    const reason = this.exitReason(code);
    this.set({ name: 'exited', reason });
    this.returnConnectionsInTransit();
    return reason;
  }

  /** The log line for its exit, in the words gunicorn users look for. Call before `exited`. */
  describeExit(reason: WorkerExitInfo['reason'], code: number | null, signal: NodeJS.Signals | null): string {
    const who = `Worker ${this.id} (pid: ${this.pid}, gen ${this.generation})`;
    if (reason === 'retired') return `${who} exited`;
    const how = this.current.name === 'ending' ? this.current.how : null;
    if (signal === 'SIGKILL' && how === null && this.current.name !== 'draining') return `${who} was sent SIGKILL! Perhaps out of memory?`;
    const why = how === 'hung' ? ' (hung)' : how === 'drain-timeout' ? ' (still busy after graceful-timeout)' : '';
    const text = signal ? `was killed by ${signal}${why}` : `exited with code ${code}`;
    return `${who} ${text}${reason === 'boot-failed' ? ' before it was ready' : ''}`;
  }

  /** Why it ended, as hooks and logs say it. */
  exitReason(code: number | null): WorkerExitInfo['reason'] {
    const state = this.current;
    switch (state.name) {
      case 'exited':
        return state.reason;
      case 'draining':
        return 'retired';
      case 'ending':
        if (state.how === 'quit' || state.how === 'discarded') return 'retired';
        return state.how === 'boot-timeout' ? 'boot-failed' : 'killed';
      case 'booting':
        return 'boot-failed';
      default:
        // Exit code 0 unasked: the worker drained on a TERM sent to it directly.
        return code === 0 ? 'retired' : 'crashed';
    }
  }

  /** Connections the worker never took go to another worker. */
  private returnConnectionsInTransit(): void {
    for (const entry of this.unacknowledged.splice(0)) if (entry.connection) entry.undelivered(entry.connection);
  }

  private end(how: Ending): void {
    if (this.current.name === 'exited') return;
    this.set({ name: 'ending', how, booted: this.current.name !== 'booting' });
  }

  private set(state: WorkerState): void {
    this.current = state;
    this.onChange(this, 'state');
  }

  /** Kills after `ms`, or sooner if an earlier deadline is already set (INT during a drain). */
  private killAfter(ms: number): void {
    const deadline = Date.now() + ms;
    if (this.killTimer && this.killDeadline <= deadline) return;
    if (this.killTimer) clearTimeout(this.killTimer);
    this.killDeadline = deadline;
    this.killTimer = setTimeout(() => {
      if (this.current.name === 'draining') this.end('drain-timeout');
      this.child.kill('SIGKILL');
    }, ms);
    this.killTimer.unref();
  }

  private readHangReports(pipe: Readable | null | undefined): void {
    if (!pipe) return;
    createInterface({ input: pipe }).on('line', (line) => {
      try {
        this.lastHang = JSON.parse(line) as HangReport;
      } catch {
        // Not a report: ignore.
      }
    });
  }
}

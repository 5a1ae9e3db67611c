import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { type HangReport, sendToWorker, type WarmupSummary } from '../protocol/messages.js';
import type { WorkerExitInfo, WorkerInfo } from '../types.js';

/** Where a worker is in its life, as the master sees it. */
export type WorkerPhase = 'booting' | 'ready' | 'draining';

/** Why the master ended a worker, when it did. */
export type Ending = 'retired' | 'boot-timeout' | 'hung' | 'quit' | 'drain-timeout' | null;

/**
 * The master's record of one worker process: its identity, phase and last check-in, and
 * the term-then-kill steps. The code that runs inside the worker is worker.ts.
 */
export class WorkerHandle implements WorkerInfo {
  readonly pid: number;
  phase: WorkerPhase = 'booting';
  readonly spawnedAt = Date.now();
  readyAt = 0;
  lastSeen = Date.now();
  requests = 0;
  /** Set when the worker should be replaced; it serves until its successor is ready. */
  retireReason: string | null = null;
  /** What the master did to end it, for the exit log line. */
  ending: Ending = null;
  bootFailure: { appLoad: boolean; message: string; stack: string } | null = null;
  warmup: WarmupSummary | null = null;
  lastHang: HangReport | null = null;
  private killTimer: NodeJS.Timeout | null = null;
  private killDeadline = Number.POSITIVE_INFINITY;

  constructor(
    readonly id: number,
    readonly generation: number,
    readonly child: ChildProcess,
  ) {
    this.pid = child.pid ?? 0;
    this.readHangReports(child.stdio[4] as Readable | null | undefined);
  }

  /** Hands a client connection to the worker; false when its channel is closed. */
  sendConnection(socket: Socket): boolean {
    return sendToWorker(this.child, { tsu: 'conn' }, socket);
  }

  /** Asks the worker to drain and exit; kills it if it is still there after `graceMs`. */
  drain(reason: string, graceMs: number, spreadMs: number): void {
    if (this.phase === 'draining') return;
    this.phase = 'draining';
    this.ending = 'retired';
    sendToWorker(this.child, { tsu: 'drain', reason, spreadMs });
    this.killAfter(graceMs + 1000);
  }

  /** Asks the worker to exit at once (INT/QUIT); kills it after a short grace. */
  quit(): void {
    this.ending ??= 'quit';
    sendToWorker(this.child, { tsu: 'quit' });
    this.killAfter(2000);
  }

  /** Boot took too long: lets the worker run its workerAbort hook, then kills it. */
  abort(): void {
    this.ending = 'boot-timeout';
    sendToWorker(this.child, { tsu: 'abort' });
    this.killAfter(1000);
  }

  /** Kills now. */
  kill(ending: Ending): void {
    this.ending = ending;
    this.child.kill('SIGKILL');
  }

  /** Why it ended, as hooks and logs say it. */
  exitReason(code: number | null): WorkerExitInfo['reason'] {
    if (this.ending === 'retired' || this.ending === 'quit') return 'retired';
    if (this.ending === 'drain-timeout') return 'killed';
    if (this.phase === 'booting') return 'boot-failed';
    // Exit code 0 unasked: the worker drained on a TERM sent to it directly.
    if (code === 0) return 'retired';
    return this.ending === 'hung' ? 'killed' : 'crashed';
  }

  /** The log line for its exit, in the words gunicorn users look for. */
  describeExit(reason: WorkerExitInfo['reason'], code: number | null, signal: NodeJS.Signals | null): string {
    const who = `Worker ${this.id} (pid: ${this.pid}, gen ${this.generation})`;
    if (reason === 'retired') return `${who} exited`;
    if (signal === 'SIGKILL' && this.ending === null) return `${who} was sent SIGKILL! Perhaps out of memory?`;
    const why = this.ending === 'hung' ? ' (hung)' : this.ending === 'drain-timeout' ? ' (still busy after graceful-timeout)' : '';
    const how = signal ? `was killed by ${signal}${why}` : `exited with code ${code}`;
    return `${who} ${how}${reason === 'boot-failed' ? ' before it was ready' : ''}`;
  }

  /** Forgets the pending kill once the process has exited. */
  exited(): void {
    if (this.killTimer) clearTimeout(this.killTimer);
  }

  /** Kills after `ms`, or sooner if an earlier deadline is already set (INT during a drain). */
  private killAfter(ms: number): void {
    const deadline = Date.now() + ms;
    if (this.killTimer && this.killDeadline <= deadline) return;
    if (this.killTimer) clearTimeout(this.killTimer);
    this.killDeadline = deadline;
    this.killTimer = setTimeout(() => {
      if (this.ending === 'retired') this.ending = 'drain-timeout';
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

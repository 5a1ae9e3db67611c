/**
 * Fakes for unit tests of the master: a worker process that records what it is sent and
 * exits when the test says, and a logger that keeps its lines. With vitest's fake timers
 * these drive WorkerHandle, the dispatcher, Reload and the arbiter without real processes.
 */
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Logger } from '../../src/logger.js';
import type { MasterMessage, WarmupSummary } from '../../src/protocol/messages.js';

let nextPid = 1000;

/** A stand-in for a forked worker: `sent` holds the messages, `signals` the kills. */
export class FakeChild extends EventEmitter {
  readonly pid = nextPid++;
  connected = true;
  readonly sent: MasterMessage[] = [];
  readonly signals: string[] = [];
  readonly stdio = [];

  send(message: MasterMessage, ...rest: unknown[]): boolean {
    this.sent.push(message);
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }

  kill(signal: string): boolean {
    this.signals.push(signal);
    // SIGKILL ends a process at once; the exit is seen on the next turn of the loop.
    if (signal === 'SIGKILL') queueMicrotask(() => this.exit(null, 'SIGKILL'));
    return true;
  }

  /** The worker reports ready after its warm-up. */
  ready(): void {
    this.emit('message', { tsu: 'ready', warmup });
  }

  /** The process exits. */
  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    if (!this.connected) return;
    this.connected = false;
    this.emit('exit', code, signal);
  }

  /** Whether the master asked it to drain, quit or abort. */
  asked(tsu: MasterMessage['tsu']): boolean {
    return this.sent.some((m) => m.tsu === tsu);
  }
}

export const warmup: WarmupSummary = { requests: 1, hits: 1, firstMs: 1, lastMs: 1, totalMs: 1, failed: 0 };

/** A FakeChild typed as the ChildProcess WorkerHandle expects. */
export function fakeChild(): FakeChild & ChildProcess {
  return new FakeChild() as FakeChild & ChildProcess;
}

/** A logger that keeps every line, `LEVEL message`. */
export function memoryLogger(): Logger & { readonly lines: string[]; has(pattern: RegExp): boolean } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return {
    lines,
    has: (pattern: RegExp) => lines.some((l) => pattern.test(l)),
    debug: at('DEBUG'),
    info: at('INFO'),
    warning: at('WARNING'),
    error: at('ERROR'),
    critical: at('CRITICAL'),
    debugEnabled: true,
    reopen() {},
    close() {},
  };
}

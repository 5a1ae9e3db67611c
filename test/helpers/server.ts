/**
 * Starts the real `tsunicorn` CLI (or a drop-in script) as a child process and watches its
 * log. Every wait is bounded; `stop()` ends the master and any worker it spawned, by pid.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = `${ROOT}packages/core/dist/cli.js`;
export const EXAMPLES = `${ROOT}examples`;
export const FIXTURES = `${ROOT}test/fixtures`;

export interface StartOptions {
  /** Arguments after `node`: by default the CLI with these args. */
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  /** Run this script instead of the CLI (drop-in listen()). */
  readonly script?: string;
  /** Run this executable (its own `#!` line picks the interpreter) with `args`, instead of node. */
  readonly executable?: string;
  /** Descriptors the process gets as fd 3, 4…: listening sockets for socket activation. */
  readonly fds?: readonly number[];
}

const started = new Set<RunningServer>();

export class RunningServer {
  readonly child: ChildProcess;
  log = '';
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;
  readonly exited: Promise<void>;
  private readonly waiters = new Set<() => void>();

  constructor(options: StartOptions) {
    const argv = options.script ? [options.script, ...options.args] : [CLI, ...options.args];
    this.child = spawn(options.executable ?? process.execPath, options.executable ? options.args : argv, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, TSUNICORN_LOG_LEVEL: 'debug', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe', ...(options.fds ?? [])],
    });
    const append = (chunk: Buffer) => {
      this.log += chunk.toString();
      for (const wake of this.waiters) wake();
    };
    this.child.stdout!.on('data', append);
    this.child.stderr!.on('data', append);
    this.exited = once(this.child, 'exit').then(([code, signal]) => {
      this.exitCode = code as number | null;
      this.exitSignal = signal as NodeJS.Signals | null;
      for (const wake of this.waiters) wake();
    });
    started.add(this);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Worker pids the master announced ("Booting worker with pid: N"). */
  get workerPids(): number[] {
    return [...this.log.matchAll(/Booting worker with pid: (\d+)/g)].map((m) => Number(m[1]));
  }

  /** Resolves with the match once the log matches `pattern` `count` times; rejects after `ms`. */
  async waitForLog(pattern: RegExp, ms = 20_000, count = 1): Promise<RegExpMatchArray> {
    const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    const find = () => {
      const matches = [...this.log.matchAll(global)];
      return matches.length >= count ? matches[count - 1]! : null;
    };
    return this.waitFor(find, ms, () => `log to match ${pattern} ${count}x`);
  }

  /** The bound TCP port, from "Listening at: 127.0.0.1:PORT". */
  async port(): Promise<number> {
    const m = await this.waitForLog(/Listening at: [^\s]*?:(\d+)/);
    return Number(m[1]);
  }

  /** Waits until the master reports `n` ready workers at start. */
  async ready(ms = 30_000): Promise<number> {
    await this.waitForLog(/Ready: \d+ worker/, ms);
    return this.port();
  }

  async waitForExit(ms = 20_000): Promise<number | null> {
    await this.waitFor(
      () => (this.child.exitCode !== null || this.child.signalCode !== null ? true : null),
      ms,
      () => 'the master to exit',
    );
    await this.exited;
    return this.exitCode;
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Ends the master (TERM, then KILL) and any worker still alive. */
  async stop(): Promise<void> {
    started.delete(this);
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      await Promise.race([this.exited, delay(10_000)]);
      if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
      await this.exited;
    }
    for (const pid of this.workerPids) killIfAlive(pid);
  }

  private waitFor<T>(probe: () => T | null, ms: number, what: () => string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = probe();
        if (value === null) return false;
        cleanup();
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${ms} ms waiting for ${what()}\n--- log ---\n${this.log}`));
      }, ms);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
      };
      const wake = () => void check();
      if (!check()) this.waiters.add(wake);
    });
  }
}

/** Starts a server; `stopAll()` (in afterEach) ends whatever a test left running. */
export function start(options: StartOptions): RunningServer {
  return new RunningServer(options);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((s) => s.stop()));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killIfAlive(pid: number): void {
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Polls `probe` every 50 ms until it returns true; rejects after `ms`. */
export async function until(probe: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await delay(50);
  }
}

/**
 * The master's one queue of actions: a signal's (HUP, TERM, TTIN…) and a `tsunicorn ctl`
 * command's. Signal handlers only enqueue; actions run one at a time, each to completion, in
 * the order they came, and the arbiter does its housekeeping after each. So a TERM that
 * arrives during a reload's config re-read is handled after it, never inside it.
 */
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';

/** One queued action. */
export interface QueuedAction<T> {
  /** For the log: "signal: hup", "ctl reload". */
  readonly name: string;
  readonly run: (target: T) => unknown;
}

/** Runs queued actions on `target` one at a time; `afterEach` runs after every action. */
export class ActionQueue<T> {
  private readonly queue: QueuedAction<T>[] = [];
  /** An action is running: the next waits for it. */
  private running = false;

  constructor(
    private readonly target: T,
    private readonly log: Logger,
    private readonly afterEach: () => void,
  ) {}

  /** Queues an action; it runs after the ones before it. A failing action is logged, not thrown. */
  enqueue(action: QueuedAction<T>): void {
    this.queue.push(action);
    void this.drain();
  }

  /** Queues `run` as an action and resolves (or rejects) with its result: for `ctl` commands. */
  perform<R>(name: string, run: () => R | Promise<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.enqueue({
        name,
        run: async () => {
          try {
            resolve(await run());
          } catch (err) {
            reject(err);
            throw err;
          }
        },
      });
    });
  }

  /** Resolves once every queued action has run. */
  async settled(): Promise<void> {
    while (this.running || this.queue.length > 0) await new Promise((r) => setImmediate(r));
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let action = this.queue.shift(); action; action = this.queue.shift()) {
        this.log.info(`Handling ${action.name}`);
        try {
          await action.run(this.target);
        } catch (err) {
          this.log.error(`Handling ${action.name} failed: ${describeError(err).stack}`);
        }
        this.afterEach();
      }
    } finally {
      this.running = false;
    }
  }
}

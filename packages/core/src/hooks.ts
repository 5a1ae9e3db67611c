import { describeError, TsuError } from './errors.js';
import type { Logger } from './logger.js';

type Hook<A extends unknown[]> = (...args: A) => unknown;

interface HookRun {
  /** The hook's setting name, for log lines. */
  readonly name: string;
  readonly timeoutMs: number;
  readonly log: Logger;
}

/**
 * Runs a master-side hook's functions in order, awaiting each within the time limit. A
 * function that throws or times out is logged and the next one still runs: a broken hook
 * must not take the server down.
 */
export async function runIsolatedHooks<A extends unknown[]>(fns: readonly Hook<A>[], args: A, run: HookRun): Promise<void> {
  for (const fn of fns) {
    try {
      await withTimeout(fn(...args), run);
    } catch (err) {
      run.log.error(`Hook ${run.name} failed: ${describeError(err).stack}`);
    }
  }
}

/** Runs a worker boot hook; a function that throws or times out fails the boot. */
export async function runBootHooks<A extends unknown[]>(fns: readonly Hook<A>[], args: A, run: HookRun): Promise<void> {
  for (const fn of fns) {
    try {
      await withTimeout(fn(...args), run);
    } catch (err) {
      throw new TsuError('TSU_ERR_HOOK', `hook ${run.name} failed: ${describeError(err).stack}`, { cause: err });
    }
  }
}

function withTimeout(result: unknown, run: HookRun): Promise<unknown> {
  if (!(result instanceof Promise)) return Promise.resolve(result);
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`hook ${run.name} did not finish within ${run.timeoutMs / 1000}s (hookTimeout)`)),
      run.timeoutMs,
    );
    timer.unref();
  });
  return Promise.race([result, limit]).finally(() => clearTimeout(timer));
}

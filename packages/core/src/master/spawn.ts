import { fork } from 'node:child_process';
import { encodeForWorker, WORKER_STDIO } from '../protocol/handover.js';
import type { Settings } from '../settings/index.js';
import type { WorkerChange } from './dispatcher.js';
import { WorkerHandle } from './worker-handle.js';

/** What the master needs to start a worker process. */
export interface WorkerCommand {
  /** Script the worker runs: the CLI's worker entry, or the user's own script (drop-in listen()). */
  readonly entry: string;
  readonly args: readonly string[];
  readonly execArgv: readonly string[];
  /** The config file the settings came from, re-read by workers for hooks and warmup. */
  readonly configPath: string | null;
}

/** Forks one worker, with the stdio layout and environment protocol/handover.ts describes. */
export function spawnWorker(
  command: WorkerCommand,
  settings: Settings,
  id: number,
  generation: number,
  onChange: (worker: WorkerHandle, change: WorkerChange) => void,
): WorkerHandle {
  const child = fork(command.entry, [...command.args], {
    env: {
      ...process.env,
      ...Object.fromEntries(settings.env),
      ...encodeForWorker(settings, { id, generation, configPath: command.configPath }),
    },
    execArgv: [...command.execArgv],
    stdio: WORKER_STDIO,
    serialization: 'json',
  });
  // Errors on the channel to a dying worker are not the master's to crash on; its exit is reaped.
  child.on('error', () => {});
  return new WorkerHandle(id, generation, child, onChange);
}

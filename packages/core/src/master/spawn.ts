import { fork } from 'node:child_process';
import { WorkerEnv } from '../protocol/handover.js';
import type { Settings } from '../settings/index.js';
import { serializableSettings } from '../settings/resolve.js';
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

/**
 * Forks one worker. Its stdout and stderr are the master's; fd 3 is the IPC channel and fd 4
 * the diagnostics pipe its hang watchdog writes to.
 */
export function spawnWorker(command: WorkerCommand, settings: Settings, id: number, generation: number): WorkerHandle {
  const child = fork(command.entry, [...command.args], {
    env: {
      ...process.env,
      ...Object.fromEntries(settings.env),
      [WorkerEnv.ID]: String(id),
      [WorkerEnv.GENERATION]: String(generation),
      [WorkerEnv.SETTINGS]: JSON.stringify(serializableSettings(settings)),
      [WorkerEnv.CONFIG_FILE]: command.configPath ?? '',
    },
    execArgv: [...command.execArgv],
    stdio: ['inherit', 'inherit', 'inherit', 'ipc', 'pipe'],
    serialization: 'json',
  });
  // Errors on the channel to a dying worker are not the master's to crash on; its exit is reaped.
  child.on('error', () => {});
  return new WorkerHandle(id, generation, child);
}

import type { Adapter } from './adapter.js';
import type { UserConfig } from './settings/index.js';

/** True in a process the tsunicorn master spawned as a worker. */
export function isWorkerProcess(): boolean {
  return process.env.TSUNICORN_WORKER_ID !== undefined && typeof process.send === 'function';
}

export interface WorkerOptions {
  readonly makeAdapter: () => Adapter | Promise<Adapter>;
  readonly code?: UserConfig;
}

export async function runWorker(_options: WorkerOptions): Promise<void> {
  throw new Error('not yet');
}

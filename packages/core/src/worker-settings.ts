import { resolveSettings } from './config.js';
import { loadConfigFile } from './config-file.js';
import type { Settings, UserConfig } from './settings/index.js';
import type { WorkerInfo } from './types.js';

/** Environment variables the master sets for each worker. */
export const WorkerEnv = {
  ID: 'TSUNICORN_WORKER_ID',
  GENERATION: 'TSUNICORN_GENERATION',
  /** The master's resolved settings as JSON (functions left out). */
  SETTINGS: 'TSUNICORN_SETTINGS',
  /** The config file the master read, for the functions it holds (hooks, warmup). */
  CONFIG_FILE: 'TSUNICORN_CONFIG_FILE',
} as const;

/** This worker's identity, from the environment the master gave it. */
export function readWorkerIdentity(env: NodeJS.ProcessEnv = process.env): WorkerInfo {
  return { id: Number(env[WorkerEnv.ID]), pid: process.pid, generation: Number(env[WorkerEnv.GENERATION] ?? 1) };
}

/**
 * The worker's settings: the master's resolved values, plus the functions (hooks, warmup)
 * that cannot cross a process boundary, taken again from the same config file or the same
 * listen() options. The master validated everything; this trusts it.
 */
export async function loadWorkerSettings(code: UserConfig | undefined, env: NodeJS.ProcessEnv = process.env): Promise<Settings> {
  const path = env[WorkerEnv.CONFIG_FILE];
  const file = path ? { path, values: await loadConfigFile(path) } : null;
  const withFunctions = resolveSettings({
    argv: { settings: {}, checkConfig: false, printConfig: false, help: false, version: false },
    env: {},
    file,
    ...(code ? { code: code as Record<string, unknown> } : {}),
  });
  const fromMaster = JSON.parse(env[WorkerEnv.SETTINGS] ?? '{}') as Record<string, unknown>;
  // adapterOptions can hold functions (Nest's lazyModules): only the config file's copy has them.
  return Object.freeze({ ...withFunctions, ...fromMaster, adapterOptions: withFunctions.adapterOptions }) as Settings;
}

/**
 * Everything handed to a worker process when it is spawned, besides the IPC messages: the
 * environment names, the file descriptors and stdio layout, the worker entry, and the settings.
 * Settings cross as the settings table says (`SettingSpec.crossing`): as JSON in the
 * environment, or re-imported from the config file for the values JSON cannot carry. The master
 * encodes with `encodeForWorker`; the worker decodes with `decodeFromMaster`. Both sides import
 * this module, and nothing else of each other.
 */
import type { StdioOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TsuError } from '../errors.js';
import { loadConfigFile } from '../settings/file.js';
import { crossingOf, type Settings, SettingValueError, settingEntries, type UserConfig } from '../settings/index.js';
import type { WorkerInfo } from '../types.js';

/** Environment variables the master sets for each worker. */
export const WorkerEnv = {
  ID: 'TSUNICORN_WORKER_ID',
  GENERATION: 'TSUNICORN_GENERATION',
  /** The master's resolved settings that cross as JSON. */
  SETTINGS: 'TSUNICORN_SETTINGS',
  /** The config file the master read, for the settings that cross by re-import (hooks, warmup). */
  CONFIG_FILE: 'TSUNICORN_CONFIG_FILE',
} as const;

/** Environment variable naming the listening descriptors a new master inherits (USR2): `3,4`. */
export const LISTEN_FDS_ENV = 'TSUNICORN_LISTEN_FDS';

/** Environment variable naming the master that started this one with USR2. */
export const PARENT_MASTER_ENV = 'TSUNICORN_PARENT_MASTER';

/** File descriptor, in the worker, of the pipe its watchdog thread reports hangs on. */
export const DIAGNOSTICS_FD = 4;

/**
 * A worker's stdio: stdout and stderr are the master's, fd 3 the IPC channel, fd 4
 * (`DIAGNOSTICS_FD`) the diagnostics pipe.
 */
export const WORKER_STDIO: StdioOptions = ['inherit', 'inherit', 'inherit', 'ipc', 'pipe'];

/** The script workers started by the `tsunicorn` CLI run. */
export const WORKER_ENTRY = fileURLToPath(new URL('../worker/main.js', import.meta.url));

/** What identifies a worker and where its settings came from, besides the settings. */
export interface WorkerSpawn {
  readonly id: number;
  readonly generation: number;
  /** The config file the settings came from, or null. */
  readonly configPath: string | null;
}

/** The environment entries that hand `settings` and the worker's identity to a new worker. */
export function encodeForWorker(settings: Settings, spawn: WorkerSpawn): Record<string, string> {
  const json: Record<string, unknown> = {};
  for (const [name, spec] of settingEntries()) {
    if (crossingOf(spec) === 'json') json[name] = settings[name];
  }
  return {
    [WorkerEnv.ID]: String(spawn.id),
    [WorkerEnv.GENERATION]: String(spawn.generation),
    [WorkerEnv.SETTINGS]: JSON.stringify(json),
    [WorkerEnv.CONFIG_FILE]: spawn.configPath ?? '',
  };
}

/**
 * The worker's settings: the master's values for those that cross as JSON, plus those that
 * cross by re-import, taken from the same config file (which wins) or listen() options. Only
 * those keys are read from the file, so a file edited since the master read it changes no
 * other value here (HUP applies an edit). A re-imported value that fails its check throws
 * TSU_ERR_INVALID_SETTING naming the setting and the source.
 */
export async function decodeFromMaster(code: UserConfig | undefined, env: NodeJS.ProcessEnv = process.env): Promise<Settings> {
  const fromMaster = JSON.parse(env[WorkerEnv.SETTINGS] ?? '{}') as Record<string, unknown>;
  const path = env[WorkerEnv.CONFIG_FILE];
  const file = path ? await loadConfigFile(path) : {};
  const given = (code ?? {}) as Record<string, unknown>;
  const settings: Record<string, unknown> = {};
  for (const [name, spec] of settingEntries()) {
    if (crossingOf(spec) === 'json') {
      settings[name] = fromMaster[name];
      continue;
    }
    const [value, source] = file[name] !== undefined ? [file[name], `config file ${path}`] : [given[name], 'listen() options'];
    settings[name] = value === undefined ? defaultOf(spec.default) : checkReimported(name, value, source, spec.check);
  }
  return Object.freeze(settings) as Settings;
}

/** This worker's identity, from the environment the master gave it. */
export function readWorkerIdentity(env: NodeJS.ProcessEnv = process.env): WorkerInfo {
  return { id: Number(env[WorkerEnv.ID]), pid: process.pid, generation: Number(env[WorkerEnv.GENERATION] ?? 1) };
}

/** True when `env` is a worker's environment, as the master set it. */
export function hasWorkerIdentity(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[WorkerEnv.ID] !== undefined;
}

function defaultOf(value: unknown): unknown {
  return typeof value === 'function' ? (value as () => unknown)() : value;
}

function checkReimported(name: string, value: unknown, source: string, check: (value: unknown) => unknown): unknown {
  try {
    return check(value);
  } catch (err) {
    if (!(err instanceof SettingValueError)) throw err;
    throw new TsuError('TSU_ERR_INVALID_SETTING', `invalid value for setting "${name}" from ${source}: ${err.message}`);
  }
}

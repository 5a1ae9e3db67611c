import { loadConfigFile } from '../settings/file.js';
import { type SettingName, type Settings, settingEntries, type UserConfig } from '../settings/index.js';
import type { WorkerInfo } from '../types.js';

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

/** Settings that hold functions, which cannot cross the process boundary as JSON. */
const functionSettings = new Set<SettingName>(['warmup', 'adapterOptions']);
const isFunctionSetting = (name: SettingName, section: string) => section === 'hooks' || functionSettings.has(name);

/**
 * The worker's settings: the master's resolved values, plus the functions (hooks, warmup,
 * adapter options) taken from the same config file or listen() options. Only those keys are
 * read from the file, so a file edited since the master read it changes no value here (the
 * master validated them; HUP applies an edit).
 */
export async function loadWorkerSettings(code: UserConfig | undefined, env: NodeJS.ProcessEnv = process.env): Promise<Settings> {
  const fromMaster = JSON.parse(env[WorkerEnv.SETTINGS] ?? '{}') as Record<string, unknown>;
  const path = env[WorkerEnv.CONFIG_FILE];
  const file = path ? await loadConfigFile(path) : {};
  const given = code as Record<string, unknown> | undefined;
  const settings: Record<string, unknown> = {};
  for (const [name, spec] of settingEntries()) {
    if (!isFunctionSetting(name, spec.section)) {
      settings[name] = fromMaster[name];
      continue;
    }
    const value = file[name] ?? given?.[name];
    settings[name] =
      value === undefined ? (typeof spec.default === 'function' ? (spec.default as () => unknown)() : spec.default) : spec.check(value);
  }
  return Object.freeze(settings) as Settings;
}

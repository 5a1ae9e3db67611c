import { appSettings } from './app.js';
import type { SettingSpec } from './define.js';
import { hookSettings } from './hooks.js';
import { loggingSettings } from './logging.js';
import { operationsSettings } from './operations.js';
import { privilegeSettings } from './privileges.js';
import { processSettings } from './process.js';
import { reloadSettings } from './reload.js';
import { serverSettings } from './server.js';
import { timeoutSettings } from './timeouts.js';
import { warmupSettings } from './warmup.js';
import { workerSettings } from './workers.js';

/** The settings table: every setting tsunicorn has, declared once, one file per section. */
export const settingsTable = {
  ...serverSettings,
  ...workerSettings,
  ...timeoutSettings,
  ...warmupSettings,
  ...reloadSettings,
  ...appSettings,
  ...processSettings,
  ...loggingSettings,
  ...operationsSettings,
  ...privilegeSettings,
  ...hookSettings,
} as const;

type Table = typeof settingsTable;
export type SettingName = keyof Table;

type OutOf<S> = S extends SettingSpec<unknown, infer Out> ? Out : never;
type InOf<S> = S extends SettingSpec<infer In, unknown> ? In : never;

/** The resolved settings: every setting with a checked value. Frozen. */
export type Settings = { readonly [K in SettingName]: OutOf<Table[K]> };

/** What a config file may set: any subset of the settings, in their input form. */
export type UserConfig = { [K in SettingName]?: InOf<Table[K]> };

export type { LogFormat, LogLevel } from '../logger.js';
export type { Crossing, Section, SettingSpec } from './define.js';
export { crossingOf, SettingValueError, sections } from './define.js';
export { DEFAULT_ACCESS_LOG_FORMAT } from './logging.js';
export type { WarmupFunction } from './warmup.js';

/** The table's entries as [name, spec] pairs, in declaration order. */
export function settingEntries(): [SettingName, SettingSpec<unknown, unknown>][] {
  return Object.entries(settingsTable) as [SettingName, SettingSpec<unknown, unknown>][];
}

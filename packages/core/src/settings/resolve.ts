import { TsuError } from '../errors.js';
import { type ParsedArgv, parseArgv, type RawValue, splitCommandLine } from './argv.js';
import { findConfigFile, loadConfigFile } from './file.js';
import {
  type SettingName,
  type SettingSpec,
  type Settings,
  SettingValueError,
  settingEntries,
  settingsTable,
  type UserConfig,
} from './index.js';
import { nearest } from './suggest.js';

/**
 * Declares a config file's settings with their types.
 *
 * @example
 * // tsunicorn.config.ts
 * import { defineConfig } from '@tsunicorn/core';
 * export default defineConfig({ workers: 4, bind: ['0.0.0.0:8000'], maxRequests: 10000 });
 */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}

/** Where a value came from, named in error messages. */
type Source = { readonly label: string; readonly raw: boolean };

/** One layer of values; higher layers win. */
interface Layer {
  readonly source: Source;
  readonly values: Partial<Record<SettingName, unknown>>;
}

/** Everything that feeds the settings, gathered before they are resolved. */
export interface ConfigInputs {
  readonly argv: ParsedArgv;
  readonly env: NodeJS.ProcessEnv;
  readonly file: { readonly path: string; readonly values: Record<string, unknown> } | null;
  /** Settings given in code (the adapters' drop-in listen()); they rank as a config file. */
  readonly code?: Record<string, unknown>;
}

/**
 * Resolves the settings once: defaults < config file (or code) < environment
 * (TSUNICORN_CMD_ARGS, TSUNICORN_*, WEB_CONCURRENCY, PORT) < command line. The result is
 * frozen. Unknown keys and invalid values throw a TsuError that names the setting, the value
 * and where it came from.
 */
export function resolveSettings(inputs: ConfigInputs): Settings {
  const layers: Layer[] = [];
  if (inputs.code) layers.push(fileLayer(inputs.code, 'listen() options'));
  if (inputs.file) layers.push(fileLayer(inputs.file.values, `config file ${inputs.file.path}`));
  layers.push(...envLayers(inputs.env));
  layers.push({ source: { label: 'the command line', raw: true }, values: inputs.argv.settings });

  const settings: Record<string, unknown> = {};
  for (const [name, spec] of settingEntries()) {
    settings[name] = resolveOne(name, spec, layers);
  }
  return Object.freeze(settings) as Settings;
}

function resolveOne(name: SettingName, spec: SettingSpec<unknown, unknown>, layers: Layer[]): unknown {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    const value = layer.values[name];
    if (value === undefined) continue;
    try {
      const input = layer.source.raw && typeof value === 'string' ? spec.fromString(value) : value;
      return spec.check(input);
    } catch (err) {
      if (!(err instanceof SettingValueError)) throw err;
      throw new TsuError(
        'TSU_ERR_INVALID_SETTING',
        `invalid value for setting "${name}"${flagHint(spec)} from ${layer.source.label}: ${err.message}`,
      );
    }
  }
  return typeof spec.default === 'function' ? (spec.default as () => unknown)() : spec.default;
}

function flagHint(spec: SettingSpec<unknown, unknown>): string {
  const long = spec.cli?.find((f) => f.startsWith('--'));
  return long ? ` (${long})` : '';
}

function fileLayer(values: Record<string, unknown>, label: string): Layer {
  for (const key of Object.keys(values)) {
    if (!(key in settingsTable)) {
      const hint = nearest(key, Object.keys(settingsTable));
      throw new TsuError(
        'TSU_ERR_UNKNOWN_SETTING',
        `unknown setting "${key}" in ${label}${hint ? ` (did you mean "${hint}"?)` : ''}; docs/settings.md lists them`,
      );
    }
  }
  return { source: { label, raw: false }, values: values as Layer['values'] };
}

function envLayers(env: NodeJS.ProcessEnv): Layer[] {
  const platform: Partial<Record<SettingName, RawValue>> = {};
  if (env.WEB_CONCURRENCY) platform.workers = env.WEB_CONCURRENCY;
  if (env.PORT) platform.bind = [`0.0.0.0:${env.PORT}`];

  const named: Partial<Record<SettingName, RawValue>> = {};
  for (const [name, spec] of settingEntries()) {
    const value = spec.env ? env[spec.env] : undefined;
    if (value === undefined || value === '') continue;
    named[name] = spec.repeatable ? value.split(',').map((s) => s.trim()) : value;
  }

  const cmdArgs = env.TSUNICORN_CMD_ARGS ? parseCmdArgs(env.TSUNICORN_CMD_ARGS) : {};
  return [
    { source: { label: 'WEB_CONCURRENCY/PORT', raw: true }, values: platform },
    { source: { label: 'the environment', raw: true }, values: named },
    { source: { label: 'TSUNICORN_CMD_ARGS', raw: true }, values: cmdArgs },
  ];
}

function parseCmdArgs(text: string): Partial<Record<SettingName, RawValue>> {
  try {
    return parseArgv(splitCommandLine(text)).settings;
  } catch (err) {
    throw new TsuError('TSU_ERR_USAGE', `in TSUNICORN_CMD_ARGS: ${(err as Error).message}`);
  }
}

/** The config file's path and values, or null when there is none. */
export async function readConfigFile(cwd: string, explicit?: string): Promise<{ path: string; values: Record<string, unknown> } | null> {
  const path = findConfigFile(cwd, explicit);
  return path === null ? null : { path, values: await loadConfigFile(path) };
}

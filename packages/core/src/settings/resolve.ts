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

/** The kind of place a setting's value came from, as `--print-config` shows it. */
export type SourceKind = 'default' | 'platform' | 'code' | 'file' | 'env' | 'cli';

/** Where one setting's value came from: its kind and the exact place (file, variable, flag). */
export interface SettingSource {
  readonly kind: SourceKind;
  readonly detail: string;
}

/**
 * Where a layer's values come from, named in error messages. `detail` names the exact place
 * of one setting's value (the variable or file), for `--print-config`.
 */
type Source = { readonly kind: SourceKind; readonly label: string; readonly raw: boolean; readonly detail: (name: SettingName) => string };

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
 * Resolves the settings once: defaults < the platform's PORT and WEB_CONCURRENCY < code
 * (listen() options) < config file < environment (TSUNICORN_*, then TSUNICORN_CMD_ARGS) <
 * command line. The result is frozen. Unknown keys and invalid values throw a TsuError that
 * names the setting, the value and where it came from.
 */
export function resolveSettings(inputs: ConfigInputs): Settings {
  return resolveSettingsWithSources(inputs).settings;
}

/** {@link resolveSettings}, also telling where each value came from (for `--print-config`). */
export function resolveSettingsWithSources(inputs: ConfigInputs): {
  settings: Settings;
  sources: Readonly<Record<SettingName, SettingSource>>;
} {
  // PORT and WEB_CONCURRENCY are what a platform (Heroku, Cloud Run, Kubernetes charts) offers
  // as defaults. As in gunicorn they rank just above the built-in defaults: an explicit bind or
  // worker count from anywhere else wins, so PORT never widens a 127.0.0.1 bind to 0.0.0.0.
  const layers: Layer[] = [platformLayer(inputs.env)];
  if (inputs.code) layers.push(fileLayer(inputs.code, 'listen() options', 'code'));
  if (inputs.file) layers.push(fileLayer(inputs.file.values, `config file ${inputs.file.path}`, 'file'));
  layers.push(...envLayers(inputs.env));
  layers.push({ source: { kind: 'cli', label: 'the command line', raw: true, detail: cliDetail }, values: inputs.argv.settings });

  const settings: Record<string, unknown> = {};
  const sources: Record<string, SettingSource> = {};
  for (const [name, spec] of settingEntries()) {
    const { value, source } = resolveOne(name, spec, layers);
    settings[name] = value;
    sources[name] = source;
  }
  return { settings: Object.freeze(settings) as Settings, sources: Object.freeze(sources) as Record<SettingName, SettingSource> };
}

function resolveOne(name: SettingName, spec: SettingSpec<unknown, unknown>, layers: Layer[]): { value: unknown; source: SettingSource } {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    const value = layer.values[name];
    if (value === undefined) continue;
    try {
      const input = layer.source.raw && typeof value === 'string' ? spec.fromString(value) : value;
      return { value: spec.check(input), source: { kind: layer.source.kind, detail: layer.source.detail(name) } };
    } catch (err) {
      if (!(err instanceof SettingValueError)) throw err;
      throw new TsuError(
        'TSU_ERR_INVALID_SETTING',
        `invalid value for setting "${name}"${flagHint(spec)} from ${layer.source.label}: ${err.message}`,
      );
    }
  }
  const value = typeof spec.default === 'function' ? (spec.default as () => unknown)() : spec.default;
  return { value, source: { kind: 'default', detail: spec.defaultDoc ?? 'built in' } };
}

function cliDetail(name: SettingName): string {
  if (name === 'app') return 'APP argument';
  const long = (settingsTable[name] as SettingSpec<unknown, unknown>).cli?.find((f) => f.startsWith('--'));
  return long ?? 'the command line';
}

/** ` (--long-flag)` for a setting that has one, else nothing: for messages that name a setting. */
export function flagHint(spec: SettingSpec<unknown, unknown>): string {
  const long = spec.cli?.find((f) => f.startsWith('--'));
  return long ? ` (${long})` : '';
}

function fileLayer(values: Record<string, unknown>, label: string, kind: 'code' | 'file'): Layer {
  for (const key of Object.keys(values)) {
    if (!(key in settingsTable)) {
      const hint = nearest(key, Object.keys(settingsTable));
      throw new TsuError(
        'TSU_ERR_UNKNOWN_SETTING',
        `unknown setting "${key}" in ${label}${hint ? ` (did you mean "${hint}"?)` : ''}; docs/settings.md lists them`,
      );
    }
  }
  return { source: { kind, label, raw: false, detail: () => label }, values: values as Layer['values'] };
}

function platformLayer(env: NodeJS.ProcessEnv): Layer {
  const values: Partial<Record<SettingName, RawValue>> = {};
  if (env.WEB_CONCURRENCY) values.workers = env.WEB_CONCURRENCY;
  if (env.PORT) values.bind = [`0.0.0.0:${env.PORT}`];
  const detail = (name: SettingName) => (name === 'bind' ? 'PORT' : 'WEB_CONCURRENCY');
  return { source: { kind: 'platform', label: 'WEB_CONCURRENCY/PORT', raw: true, detail }, values };
}

function envLayers(env: NodeJS.ProcessEnv): Layer[] {
  const named: Partial<Record<SettingName, RawValue>> = {};
  for (const [name, spec] of settingEntries()) {
    const value = spec.env ? env[spec.env] : undefined;
    if (value === undefined || value === '') continue;
    named[name] = spec.repeatable ? value.split(',').map((s) => s.trim()) : value;
  }

  const cmdArgs = env.TSUNICORN_CMD_ARGS ? parseCmdArgs(env.TSUNICORN_CMD_ARGS) : {};
  const envName = (name: SettingName) => (settingsTable[name] as SettingSpec<unknown, unknown>).env ?? 'the environment';
  return [
    { source: { kind: 'env', label: 'the environment', raw: true, detail: envName }, values: named },
    { source: { kind: 'env', label: 'TSUNICORN_CMD_ARGS', raw: true, detail: () => 'TSUNICORN_CMD_ARGS' }, values: cmdArgs },
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

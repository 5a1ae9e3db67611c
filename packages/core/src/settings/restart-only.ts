/**
 * Settings the master reads once, when it starts (`restart: true` in the table): the sockets it
 * binds, the files it opens, the user it checks. A HUP re-reads the config file but keeps these.
 */
import { isDeepStrictEqual } from 'node:util';
import { type SettingName, type SettingSpec, type Settings, settingEntries } from './index.js';
import { flagHint } from './resolve.js';

const restartOnly = (): [SettingName, SettingSpec<unknown, unknown>][] => settingEntries().filter(([, spec]) => spec.restart === true);

/** The restart-only settings whose value differs between `running` and `reread`, as `name (--flag)`. */
export function changedRestartOnly(running: Settings, reread: Settings): string[] {
  return restartOnly()
    .filter(([name]) => !isDeepStrictEqual(running[name], reread[name]))
    .map(([name, spec]) => `${name}${flagHint(spec)}`);
}

/** `reread` with every restart-only setting at its `running` value. */
export function keepRestartOnly(running: Settings, reread: Settings): Settings {
  const kept: Record<string, unknown> = { ...reread };
  for (const [name] of restartOnly()) kept[name] = running[name];
  return Object.freeze(kept) as Settings;
}

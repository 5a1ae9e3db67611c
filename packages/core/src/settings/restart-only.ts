/**
 * Settings the master reads once, when it starts (`restart: true` in the table): the sockets it
 * binds, the files it opens, the user it checks. A HUP re-reads the config file but keeps these.
 */
import { isDeepStrictEqual } from 'node:util';
import { type SettingName, type Settings, settingEntries } from './index.js';

const restartOnly = (): [SettingName, readonly string[] | undefined][] =>
  settingEntries()
    .filter(([, spec]) => spec.restart === true)
    .map(([name, spec]) => [name, spec.cli]);

/** The restart-only settings whose value differs between `running` and `reread`, as `name (--flag)`. */
export function changedRestartOnly(running: Settings, reread: Settings): string[] {
  return restartOnly()
    .filter(([name]) => !isDeepStrictEqual(running[name], reread[name]))
    .map(([name, cli]) => {
      const flag = cli?.find((f) => f.startsWith('--'));
      return flag ? `${name} (${flag})` : name;
    });
}

/** `reread` with every restart-only setting at its `running` value. */
export function keepRestartOnly(running: Settings, reread: Settings): Settings {
  const kept: Record<string, unknown> = { ...reread };
  for (const [name] of restartOnly()) kept[name] = running[name];
  return Object.freeze(kept) as Settings;
}

/**
 * Checks, in the master and before anything is bound, that the workers will be able to switch
 * to the configured user and group, and hands them the log files they will reopen.
 */
import { execFileSync } from 'node:child_process';
import { chownSync } from 'node:fs';
import { TsuError } from '../errors.js';
import type { Settings } from '../settings/index.js';

interface Ids {
  readonly uid: number;
  readonly gid: number;
}

/** Resolves user and group to ids; throws TSU_ERR_PRIVILEGES naming the setting when it cannot be done. */
export function checkPrivileges(settings: Settings): Ids | null {
  const { user, group } = settings;
  if (user === null && group === null) return null;
  if (process.getuid?.() !== 0) {
    const which = user !== null ? `"user" (--user ${user})` : `"group" (--group ${group})`;
    throw new TsuError('TSU_ERR_PRIVILEGES', `setting ${which} needs the master to run as root; start it as root or drop the setting`);
  }
  const missing = `user "${user}" does not exist (setting "user", --user)`;
  const uid = user === null ? process.getuid() : idOf('-u', user, missing);
  const gid = group !== null ? lookupGroup(group) : user !== null ? idOf('-g', user, missing) : (process.getgid?.() ?? 0);
  return { uid, gid };
}

/**
 * Gives the workers' user the log files, as gunicorn does, so a worker can reopen them on USR1.
 * Files only: "-" is the master's own stderr or stdout.
 */
export function chownLogFiles(settings: Settings, ids: Ids): void {
  for (const file of [settings.errorLogfile, settings.accessLogfile]) {
    if (file === null || file === '-') continue;
    chownSync(file, ids.uid, ids.gid);
  }
}

function idOf(flag: '-u' | '-g', user: string, missing: string): number {
  if (flag === '-u' && /^\d+$/.test(user)) return Number(user);
  try {
    return Number(execFileSync('id', [flag, user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    throw new TsuError('TSU_ERR_PRIVILEGES', missing);
  }
}

function lookupGroup(group: string): number {
  if (/^\d+$/.test(group)) return Number(group);
  try {
    const line = execFileSync('getent', ['group', group], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return Number(line.split(':')[2]);
  } catch {
    throw new TsuError('TSU_ERR_PRIVILEGES', `group "${group}" does not exist (setting "group", --group)`);
  }
}

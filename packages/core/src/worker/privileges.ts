/**
 * Dropping privileges in a worker: the master, often root, has bound the sockets (ports below
 * 1024 included) and forked; each worker then becomes the configured user before it loads any
 * app code. Order matters: supplementary groups and the group first, while still root.
 */
import { execFileSync } from 'node:child_process';
import { TsuError } from '../errors.js';
import type { Settings } from '../settings/index.js';

/** Applies umask, group (with initgroups) and user. Throws TSU_ERR_PRIVILEGES when the system refuses. */
export function dropPrivileges(settings: Pick<Settings, 'user' | 'group' | 'umask'>): void {
  if (settings.umask !== null) process.umask(settings.umask);
  const { user, group } = settings;
  if (user === null && group === null) return;
  try {
    const gid = asId(group ?? primaryGroupOf(user!));
    if (user !== null) (process as WithInitgroups).initgroups?.(asId(user), gid);
    process.setgid?.(gid);
    if (user !== null) process.setuid?.(asId(user));
  } catch (err) {
    throw new TsuError(
      'TSU_ERR_PRIVILEGES',
      `cannot switch the worker to user ${user ?? '(unchanged)'} and group ${group ?? '(primary)'}: ${(err as Error).message}; the master must run as root and the user and group must exist`,
      { cause: err },
    );
  }
}

/** process.initgroups exists on POSIX (Node 20 and 24) but is missing from some @types/node versions. */
type WithInitgroups = { initgroups?: (user: string | number, extraGroup: string | number) => void };

/** A numeric string is an id (setuid('65534') would look up a user named "65534"). */
function asId(value: string | number): string | number {
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
}

/** The user's primary group: Node has no getpwnam(), so `id -g` answers (through NSS, like libc). */
function primaryGroupOf(user: string): number {
  return Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
}

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { TsuError } from '../errors.js';

/** Writes the master's pid; refuses when the file names a process that is still alive. */
export function writePidfile(path: string, previousMaster: number | null = null): void {
  const existing = readPid(path);
  // A master started by USR2 takes the pidfile over from the master that started it.
  if (existing !== null && existing !== process.pid && existing !== previousMaster && isAlive(existing)) {
    throw new TsuError(
      'TSU_ERR_USAGE',
      `pidfile ${path} names pid ${existing}, which is still running: stop it first or choose another --pidfile`,
    );
  }
  writeFileSync(path, `${process.pid}\n`);
}

/** Removes the pidfile if it is still ours. */
export function removePidfile(path: string): void {
  if (readPid(path) === process.pid) rmSync(path, { force: true });
}

function readPid(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

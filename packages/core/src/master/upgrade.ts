import { type ChildProcess, spawn } from 'node:child_process';
import type { Logger } from '../logger.js';
import { LISTEN_FDS_ENV, PARENT_MASTER_ENV } from '../protocol/handover.js';

/** The working directory the master was started in: read when this module loads, before `chdir` applies. */
const LAUNCH_DIR = process.cwd();

/**
 * USR2: starts a new master from the `node` and scripts now on disk, handing it the listening
 * sockets as file descriptors 3, 4, … (the way gunicorn and Unicorn re-exec). Both masters
 * accept on the same sockets until the operator retires this one (WINCH, then TERM). A new
 * master that fails to boot exits and this one keeps serving.
 */
export function startNewMaster(fds: readonly number[], log: Logger, onFailure: () => void): ChildProcess {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    // Where this master was started, not where `chdir` took it: the command line and the
    // config file it finds are relative to that directory.
    cwd: LAUNCH_DIR,
    stdio: ['ignore', 'inherit', 'inherit', ...fds],
    env: { ...process.env, [LISTEN_FDS_ENV]: fds.map((_, i) => 3 + i).join(','), [PARENT_MASTER_ENV]: String(process.pid) },
    // Its own process group: a signal meant for this master's group must not reach it.
    detached: true,
  });
  child.unref();
  child.once('error', (err) => {
    log.error(`USR2: could not start a new master (${err.message}); this master keeps serving.`);
    onFailure();
  });
  if (child.pid === undefined) return child;
  log.info(
    `USR2: started a new master (pid: ${child.pid}) with ${fds.length} listening socket(s). Once it is ready, send WINCH then TERM to this master (pid: ${process.pid}).`,
  );
  child.once('exit', (code, signal) => {
    onFailure();
    log.warning(`The new master (pid: ${child.pid}) exited ${signal ? `by ${signal}` : `with code ${code}`}; this master keeps serving.`);
  });
  return child;
}

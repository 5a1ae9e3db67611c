/**
 * What `dispatch: reuseport` needs of the platform, checked when the master starts: Node's
 * `listen({ reusePort })`, and whether the kernel migrates a closed socket's queue.
 */
import { readFileSync } from 'node:fs';
import { TsuError } from '../errors.js';
import type { Logger } from '../logger.js';

/** listen({ reusePort }) exists from Node 22.12 and 23.1; older versions ignore the option. */
export function checkReusePortSupport(version: string = process.versions.node): void {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12)) return;
  throw new TsuError(
    'TSU_ERR_INVALID_SETTING',
    `invalid value for setting "dispatch" (--dispatch): reuseport needs Node >= 22.12 (this is v${version}); use master or shared`,
  );
}

/**
 * A socket closed with SO_REUSEPORT resets the connections in its accept queue unless the
 * kernel migrates them to another socket of the group (net.ipv4.tcp_migrate_req, Linux 5.14+).
 */
export function warnAboutReusePortQueues(log: Logger): void {
  let migrate = '0';
  try {
    migrate = readFileSync('/proc/sys/net/ipv4/tcp_migrate_req', 'utf8').trim();
  } catch {
    // Not Linux, or too old a kernel: nothing migrates.
  }
  if (migrate !== '1') {
    log.warning(
      'dispatch reuseport: net.ipv4.tcp_migrate_req is not 1, so a worker that stops (reload, recycle, crash) resets the ' +
        'connections queued on its socket. Set it with `sysctl -w net.ipv4.tcp_migrate_req=1`, or use dispatch master or shared.',
    );
  }
}

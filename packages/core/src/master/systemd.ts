/**
 * systemd integration: readiness notifications (sd_notify) and socket activation.
 *
 * Node has no Unix datagram sockets, so notifications go through `systemd-notify`, systemd's
 * own client, run without blocking the master's loop and one at a time so that they arrive in
 * order. `systemd-notify` exits when the message is sent; by default it waits on a barrier
 * until the manager has processed it, so the message is attributed to the unit before the
 * helper's pid is gone (units need `NotifyAccess=all`, see docs/deployment.md).
 */
import { execFile } from 'node:child_process';
import { TsuError } from '../errors.js';
import type { Logger } from '../logger.js';

/** Sends sd_notify messages when the master runs under systemd (NOTIFY_SOCKET is set). */
export class SystemdNotifier {
  private queue: Promise<void> = Promise.resolve();
  private warned = false;

  constructor(
    private readonly log: Logger,
    private readonly socket: string | undefined = process.env.NOTIFY_SOCKET,
  ) {}

  get enabled(): boolean {
    return Boolean(this.socket);
  }

  /** READY=1, with this process as the main pid (after USR2 the new master takes over). */
  ready(status: string): void {
    this.send([`--pid=${process.pid}`, 'READY=1', `STATUS=${status}`]);
  }

  /** RELOADING=1 with the monotonic time systemd's notify-reload services expect. */
  reloading(): void {
    this.send(['RELOADING=1', `MONOTONIC_USEC=${process.hrtime.bigint() / 1000n}`, 'STATUS=Reloading']);
  }

  stopping(): void {
    this.send(['STOPPING=1', 'STATUS=Stopping']);
  }

  /** Resolves once every message queued so far has been handed to systemd. */
  flush(): Promise<void> {
    return this.queue;
  }

  private send(args: string[]): void {
    if (!this.socket) return;
    const env = { ...process.env, NOTIFY_SOCKET: this.socket };
    this.queue = this.queue.then(
      () =>
        new Promise<void>((resolve) => {
          execFile('systemd-notify', args, { env, timeout: 10_000 }, (err, _out, stderr) => {
            if (err) this.warnOnce(args, err, stderr);
            else this.log.debug(`systemd notified: ${args.join(' ')}`);
            resolve();
          });
        }),
    );
  }

  private warnOnce(args: string[], err: Error & { code?: unknown }, stderr: string): void {
    if (this.warned) return;
    this.warned = true;
    const why = err.code === 'ENOENT' ? 'systemd-notify is not installed (Debian/Ubuntu package "systemd")' : stderr.trim() || err.message;
    this.log.warning(`Could not notify systemd (${args.join(' ')}): ${why}`);
  }
}

/** First descriptor systemd passes (SD_LISTEN_FDS_START). */
const LISTEN_FDS_START = 3;

/**
 * Takes the listening sockets systemd passed (LISTEN_FDS, LISTEN_PID), or none when they are
 * not for this process. The variables are removed so that workers and later masters do not
 * take them too, as sd_listen_fds(unset_environment=1) does.
 */
export function takeActivatedFds(env: NodeJS.ProcessEnv = process.env): number[] {
  const count = env.LISTEN_FDS;
  const pid = env.LISTEN_PID;
  if (count === undefined) return [];
  delete env.LISTEN_FDS;
  delete env.LISTEN_PID;
  delete env.LISTEN_FDNAMES;
  if (pid !== undefined && Number(pid) !== process.pid) return [];
  const n = Number(count);
  if (!Number.isInteger(n) || n < 1) {
    throw new TsuError('TSU_ERR_SOCKET_ACTIVATION', `LISTEN_FDS is "${count}": systemd passes a whole number of sockets (1 or more)`);
  }
  return Array.from({ length: n }, (_, i) => LISTEN_FDS_START + i);
}

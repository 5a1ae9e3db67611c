/**
 * Watches for an app that starts listening on its own inside a worker: a standalone branch
 * (`app.listen(3000)`) that ran although the app was imported, not run. Such a server takes
 * connections outside tsunicorn — no warm-up, draining or reloads — and with several workers
 * all but one of them fail to bind it. It is allowed, since an app may serve something else on
 * purpose, but the operator is told where it came from.
 */
import { Server } from 'node:net';
import type { Logger } from '../logger.js';

let own = false;

/** Runs the worker's own private warm-up listen() without a warning. */
export function ownListen<T>(listen: () => T): T {
  own = true;
  try {
    return listen();
  } finally {
    own = false;
  }
}

/** Wraps net.Server#listen for the life of this worker process. */
export function watchAppListen(log: Logger): void {
  const listen = Server.prototype.listen;
  Server.prototype.listen = function (this: Server, ...args: unknown[]) {
    if (!own && this.listenerCount('request') > 0) log.warning(appListenWarning(args, new Error().stack));
    return listen.apply(this, args as Parameters<Server['listen']>);
  };
}

function appListenWarning(args: unknown[], stack: string | undefined): string {
  const where = callerFrame(stack);
  return (
    `The app called listen(${describeArgs(args)}) on an HTTP server of its own${where ? ` at ${where}` : ''}. ` +
    `tsunicorn does not serve that server (no warm-up, draining or reloads), and every worker tries to bind it. ` +
    'Export the app and guard the call for standalone runs: `if (require.main === module)` in CommonJS, ' +
    '`if (import.meta.main)` in an ES module on Node >= 24.2, or a separate server.js.'
  );
}

/** The first frame that is neither Node's, a package's nor this file's. */
function callerFrame(stack: string | undefined): string | null {
  const frames = (stack ?? '').split('\n').slice(1);
  const frame = frames.find((line) => !/node:|node_modules|app-listen\.js/.test(line));
  return frame ? frame.trim().replace(/^at /, '') : null;
}

function describeArgs(args: unknown[]): string {
  return args
    .filter((arg) => typeof arg !== 'function')
    .map((arg) => (typeof arg === 'object' && arg !== null ? JSON.stringify(arg) : String(arg)))
    .join(', ');
}

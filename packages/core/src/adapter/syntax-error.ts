import { spawnSync } from 'node:child_process';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeError, isTsuError, TsuError } from '../errors.js';

/**
 * A SyntaxError from `import()` of an ES module names neither the file nor the line: Node
 * prints them only for an uncaught error. When the app failed to load with one, this imports
 * the module once more in a short-lived child process whose uncaught error prints where the
 * mistake is, and returns the error with that location. With the broken module in the static
 * import graph (the usual case), linking fails before any module runs, so the child runs none of
 * the app's code; a module the app loads with a top-level import() runs once more, as it did in
 * the worker. Any other error is returned as is.
 */
export function withSyntaxErrorLocation(err: unknown, modulePath: string): unknown {
  const cause = (err as { cause?: unknown } | null)?.cause;
  if (!isTsuError(err, 'TSU_ERR_APP_LOAD') || !(cause instanceof SyntaxError)) return err;
  // CommonJS syntax errors carry the location in their stack already; TypeScript goes through jiti.
  if (!cause.stack?.startsWith('SyntaxError') || /^\.[mc]?ts$/.test(extname(modulePath))) return err;
  const location = locate(modulePath);
  if (location === null) return err;
  return new TsuError('TSU_ERR_APP_LOAD', `App failed to load: ${modulePath}\n${location}\n${describeError(cause).stack}`, { cause });
}

/** The `file:line`, source line and caret Node prints for the uncaught SyntaxError, or null. */
function locate(modulePath: string): string | null {
  const execArgv = process.execArgv.filter((arg) => !/^--(inspect|debug)/.test(arg));
  const script = `await import(${JSON.stringify(pathToFileURL(modulePath).href)});`;
  const child = spawnSync(process.execPath, [...execArgv, '--input-type=module', '-e', script], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 10_000,
  });
  const stderr = child.stderr ?? '';
  const end = stderr.search(/^SyntaxError/m);
  const block = end > 0 ? stderr.slice(0, end).trimEnd() : '';
  return /^file:\/\/.+:\d+$/m.test(block) ? block : null;
}

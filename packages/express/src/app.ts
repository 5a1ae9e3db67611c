import type { IncomingMessage, ServerResponse } from 'node:http';
import { isExpressApp as hasExpressShape, TsuError } from '@tsunicorn/core';

/**
 * What the adapter uses of an Express app (4 or 5). Declared here rather than taken from
 * `@types/express`, so that apps typed by either major version fit.
 */
export interface ExpressApp {
  (req: IncomingMessage, res: ServerResponse): void;
  get(setting: string): unknown;
  set(setting: string, value: unknown): unknown;
  render(name: string, locals: object, callback: (err: Error | null, html?: string) => void): void;
}

/** A function that builds the app; called in each worker, never in the master. */
export type ExpressAppFactory = () => ExpressApp | Promise<ExpressApp>;

/** An Express app, or a (possibly async) function returning one. */
export type AppOrFactory = ExpressApp | ExpressAppFactory;

/**
 * Whether a value is an Express app, recognised by shape (`handle`, `set`, `use`,
 * `settings`) so that an app built by another copy of Express is recognised too.
 *
 * @example
 * if (isExpressApp(mod.default)) listen(mod.default);
 */
export function isExpressApp(value: unknown): value is ExpressApp {
  // The core's predicate: what the CLI detects as Express is what this adapter accepts.
  return hasExpressShape(value);
}

/** The app itself, or the one the factory builds; anything else is an app-kind error. */
export async function obtainApp(appOrFactory: AppOrFactory): Promise<ExpressApp> {
  if (isExpressApp(appOrFactory)) return appOrFactory;
  if (typeof appOrFactory !== 'function') throw notAnApp('was given', appOrFactory);
  const app: unknown = await appOrFactory();
  if (!isExpressApp(app)) throw notAnApp('factory returned', app);
  return app;
}

function notAnApp(what: string, value: unknown): TsuError {
  const kind = value === null ? 'null' : typeof value;
  return new TsuError(
    'TSU_ERR_APP_KIND',
    `@tsunicorn/express ${what} ${kind}, not an Express app: pass the app (\`express()\`) or a function returning it`,
  );
}

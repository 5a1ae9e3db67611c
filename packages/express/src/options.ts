import { TsuError } from '@tsunicorn/core';
import type { ViewWarmup } from './views.js';

/**
 * Options of the Express adapter: the second argument of `createAdapter()`, the adapter part
 * of `listen()`'s options, or `adapterOptions` in a tsunicorn config file.
 */
export interface ExpressAdapterOptions {
  /**
   * Views to render once in each worker before traffic, so their engine is loaded and (with
   * `view cache` on) their template compiled: a name, or `{ name, locals }`.
   */
  readonly views?: readonly (string | ViewWarmup)[];
  /**
   * Send one POST with a small body through each body parser the app uses as middleware, to
   * a path no route declares (default true). See the README.
   */
  readonly bodyWarmup?: boolean;
  /** Cleanup run when the worker stops, after its connections have drained (close a DB pool). */
  readonly onClose?: () => void | Promise<void>;
}

/** Splits `listen()`'s options into the adapter's own and tsunicorn's settings. */
export function splitListenOptions<T extends ExpressAdapterOptions>(
  options: T,
): { adapter: ExpressAdapterOptions; settings: Omit<T, keyof ExpressAdapterOptions> } {
  const { views, bodyWarmup, onClose, ...settings } = options;
  return { adapter: { views, bodyWarmup, onClose }, settings };
}

/** The options once checked: defaults applied, views as objects. */
export interface CheckedOptions {
  readonly views: readonly ViewWarmup[];
  readonly bodyWarmup: boolean;
  readonly onClose: (() => void | Promise<void>) | undefined;
}

/**
 * Checks options where they enter, since a config file's `adapterOptions` is untyped. An
 * unknown key or a wrong type is a setting error that names it.
 */
export function checkOptions(options: object): CheckedOptions {
  const { views, bodyWarmup, onClose, ...rest }: Readonly<Record<string, unknown>> = { ...options };
  const unknownKey = Object.keys(rest)[0];
  if (unknownKey !== undefined) fail(`has an unknown key "${unknownKey}" (known: views, bodyWarmup, onClose)`);
  if (bodyWarmup !== undefined && typeof bodyWarmup !== 'boolean') fail('bodyWarmup must be true or false');
  if (onClose !== undefined && !isCallback(onClose)) fail('onClose must be a function');
  return { views: checkViews(views), bodyWarmup: bodyWarmup !== false, onClose };
}

function checkViews(value: unknown): ViewWarmup[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return fail('views must be an array of view names or { name, locals }');
  return value.map(checkView);
}

function checkView(view: unknown, i: number): ViewWarmup {
  if (typeof view === 'string' && view !== '') return { name: view };
  if (!isRecord(view) || typeof view.name !== 'string' || view.name === '') {
    return fail(`views[${i}] must be a view name or { name, locals }`);
  }
  const name = view.name;
  const locals = view.locals;
  if (locals === undefined) return { name };
  if (!isRecord(locals)) return fail(`views[${i}].locals must be an object`);
  return { name, locals };
}

function isCallback(value: unknown): value is () => void | Promise<void> {
  return typeof value === 'function';
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(message: string): never {
  throw new TsuError('TSU_ERR_INVALID_SETTING', `@tsunicorn/express options: ${message}`);
}

import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { isOpenApiDocument, TsuError } from '@tsunicorn/core';
import type { OpenApiOption } from './openapi.js';
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
  /**
   * The app's OpenAPI document, for warm-up requests its routes accept: a file (JSON or YAML,
   * relative to the working directory), `{ url }` of a route that serves it, the document
   * itself, or `false`. By default an `openapi.*` or `swagger.*` file in the working directory,
   * else a GET route such as `/openapi.json`, is used when there is one.
   */
  readonly openapi?: OpenApiOption;
  /** Cleanup run when the worker stops, after its connections have drained (close a DB pool). */
  readonly onClose?: () => void | Promise<void>;
}

/** Splits `listen()`'s options into the adapter's own and tsunicorn's settings. */
export function splitListenOptions<T extends ExpressAdapterOptions>(
  options: T,
): { adapter: ExpressAdapterOptions; settings: Omit<T, keyof ExpressAdapterOptions> } {
  const { views, bodyWarmup, openapi, onClose, ...settings } = options;
  return { adapter: { views, bodyWarmup, openapi, onClose }, settings };
}

/** The options once checked: defaults applied, views as objects. */
export interface CheckedOptions {
  readonly views: readonly ViewWarmup[];
  readonly bodyWarmup: boolean;
  readonly openapi: OpenApiOption | undefined;
  readonly onClose: (() => void | Promise<void>) | undefined;
}

/**
 * Checks options where they enter, since a config file's `adapterOptions` is untyped. An
 * unknown key or a wrong type is a setting error that names it.
 */
export function checkOptions(options: object): CheckedOptions {
  const { views, bodyWarmup, openapi, onClose, ...rest }: Readonly<Record<string, unknown>> = { ...options };
  const unknownKey = Object.keys(rest)[0];
  if (unknownKey !== undefined) fail(`has an unknown key "${unknownKey}" (known: views, bodyWarmup, openapi, onClose)`);
  if (bodyWarmup !== undefined && typeof bodyWarmup !== 'boolean') fail('bodyWarmup must be true or false');
  if (onClose !== undefined && !isCallback(onClose)) fail('onClose must be a function');
  return { views: checkViews(views), bodyWarmup: bodyWarmup !== false, openapi: checkOpenApi(openapi), onClose };
}

/** A file must exist now (it is read at warm-up); a route must be a path; a document must look like one. */
function checkOpenApi(value: unknown): OpenApiOption | undefined {
  if (value === undefined || value === false) return value;
  if (typeof value === 'string') {
    if (!statSync(resolve(value), { throwIfNoEntry: false })?.isFile()) {
      fail(
        `openapi: no file ${JSON.stringify(value)} (resolved to ${resolve(value)}); give a path relative to the working directory, { url } or false`,
      );
    }
    return value;
  }
  if (isRecord(value) && typeof value.url === 'string') {
    if (!value.url.startsWith('/')) fail(`openapi.url must be a path on the app such as '/openapi.json', got ${JSON.stringify(value.url)}`);
    return { url: value.url };
  }
  if (isOpenApiDocument(value)) return value;
  return fail('openapi must be a file name, { url: "/openapi.json" }, an OpenAPI 3 or Swagger 2.0 document, or false');
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

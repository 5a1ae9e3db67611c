import { TsuError, type UserConfig } from '@tsunicorn/core';

/** Options of the Fastify adapter, besides tsunicorn's own settings. */
export interface FastifyAdapterOptions {
  /**
   * During warm-up, send a JSON POST and a text POST to a path no route matches. They run
   * Fastify's body reading, both built-in content-type parsers and the 404 path, and no
   * handler of the app. Skipped by itself when some route would match that path.
   * Default: true.
   */
  readonly warmupBodyParsers?: boolean;
}

/** What `listen()` takes: tsunicorn's settings and the adapter's options, side by side. */
export type FastifyListenOptions = UserConfig & FastifyAdapterOptions;

/** The adapter's options with every default filled in. */
export type ResolvedAdapterOptions = Required<FastifyAdapterOptions>;

const defaults: ResolvedAdapterOptions = { warmupBodyParsers: true };
const optionNames = Object.keys(defaults);

/**
 * Checks adapter options where they enter (listen(), createAdapter(), the `adapterOptions`
 * setting) and fills in the defaults. An unknown key is an error that names it.
 */
export function resolveAdapterOptions(given: Readonly<Record<string, unknown>>): ResolvedAdapterOptions {
  for (const key of Object.keys(given)) {
    if (!optionNames.includes(key)) {
      throw new TsuError('TSU_ERR_INVALID_SETTING', `Unknown Fastify adapter option "${key}" (known: ${optionNames.join(', ')}).`);
    }
  }
  const { warmupBodyParsers = defaults.warmupBodyParsers } = given;
  if (typeof warmupBodyParsers !== 'boolean') {
    throw new TsuError(
      'TSU_ERR_INVALID_SETTING',
      `Fastify adapter option warmupBodyParsers is ${JSON.stringify(warmupBodyParsers)}; use true or false.`,
    );
  }
  return { warmupBodyParsers };
}

/** Splits `listen()` options into tsunicorn's settings and the adapter's own options. */
export function splitListenOptions(options: FastifyListenOptions): { settings: UserConfig; adapter: FastifyAdapterOptions } {
  const { warmupBodyParsers, ...settings } = options;
  return { settings, adapter: warmupBodyParsers === undefined ? {} : { warmupBodyParsers } };
}

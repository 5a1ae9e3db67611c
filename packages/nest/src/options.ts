import type { DynamicModule, INestApplication, NestApplicationOptions, Type } from '@nestjs/common';
import { TsuError, type UserConfig } from '@tsunicorn/core';

/** The HTTP platform Nest runs on when the adapter creates the app from a module class. */
export type NestPlatform = 'express' | 'fastify';

/** A module loaded later through `LazyModuleLoader`: `() => import('./x.module.js').then((m) => m.XModule)`. */
export type LazyModuleImport = () => Promise<Type<unknown> | DynamicModule>;

/** What `@tsunicorn/nest` adds to the core's settings. Every key is optional. */
export interface NestAdapterOptions {
  /**
   * Platform used when the adapter is given a module class: `'express'` (default) or
   * `'fastify'`. Only that platform's package must be installed. Ignored for a factory,
   * which chose its own.
   */
  readonly platform?: NestPlatform;
  /**
   * Modules the app loads lazily through `LazyModuleLoader`; each is loaded at boot, so
   * their providers are built before the worker takes traffic. A later `load()` of the same
   * module in a handler returns the module already built.
   */
  readonly lazyModules?: readonly LazyModuleImport[];
  /** Runs before `app.init()`: global pipes, prefix, versioning, CORS. */
  readonly configure?: (app: INestApplication) => void | Promise<void>;
  /**
   * Send a JSON body that cannot pass validation to each POST, PUT and PATCH route (without
   * path parameters) whose `@Body()` is a DTO class checked by a `ValidationPipe`, so that
   * class-validator and the first validation of each DTO run during warm-up. Default true.
   */
  readonly warmupValidation?: boolean;
  /** Nest's `logger` option, used when the adapter creates the app from a module class. */
  readonly logger?: NestApplicationOptions['logger'];
  /** Nest's `bufferLogs` option, used when the adapter creates the app from a module class. */
  readonly bufferLogs?: boolean;
}

/** What the drop-in `listen()` takes: the core's settings plus the adapter's options. */
export type NestListenOptions = UserConfig & NestAdapterOptions;

const adapterKeys = ['platform', 'lazyModules', 'configure', 'warmupValidation', 'logger', 'bufferLogs'] as const;

/**
 * Splits `listen()` options into the adapter's own and the core's settings, so that the
 * core's unknown-setting check never sees an adapter key.
 */
export function splitListenOptions(options: NestListenOptions): { adapter: NestAdapterOptions; settings: UserConfig } {
  const adapter: Record<string, unknown> = {};
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    const bucket = (adapterKeys as readonly string[]).includes(key) ? adapter : settings;
    if (value !== undefined) bucket[key] = value;
  }
  return { adapter: adapter as NestAdapterOptions, settings: settings as UserConfig };
}

/**
 * Checks options where they enter: the CLI hands over `adapterOptions` from a config file,
 * which no compiler has seen.
 */
export function checkAdapterOptions(options: unknown): NestAdapterOptions {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object') throw invalid('', options, 'an object');
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(adapterKeys as readonly string[]).includes(key)) {
      throw invalid(key, given[key], `a known key (${adapterKeys.join(', ')})`);
    }
  }
  checkPlatform(given.platform);
  checkLazyModules(given.lazyModules);
  if (given.configure !== undefined && typeof given.configure !== 'function') throw invalid('configure', given.configure, 'a function');
  if (given.warmupValidation !== undefined && typeof given.warmupValidation !== 'boolean') {
    throw invalid('warmupValidation', given.warmupValidation, 'true or false');
  }
  return given as NestAdapterOptions;
}

function checkPlatform(platform: unknown): void {
  if (platform !== undefined && platform !== 'express' && platform !== 'fastify') {
    throw invalid('platform', platform, '"express" or "fastify"');
  }
}

function checkLazyModules(lazyModules: unknown): void {
  if (lazyModules === undefined) return;
  if (!Array.isArray(lazyModules) || lazyModules.some((entry) => typeof entry !== 'function')) {
    throw invalid('lazyModules', lazyModules, 'an array of functions returning import() of a module');
  }
}

function invalid(key: string, value: unknown, expected: string): TsuError {
  const name = key ? `adapterOptions.${key}` : 'adapterOptions';
  const shown = typeof value === 'function' ? 'a function' : JSON.stringify(value);
  return new TsuError('TSU_ERR_INVALID_SETTING', `@tsunicorn/nest: ${name} is ${shown}; it must be ${expected}`);
}

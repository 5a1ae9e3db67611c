import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { isNestApplication as hasNestAppShape, isNestModuleClass as hasNestModuleShape, TsuError } from '@tsunicorn/core';
import type { NestAdapterOptions } from './options.js';
import { createHttpAdapter } from './platform.js';

/** A function that builds the app, with its own platform, pipes and options. Called in workers only. */
export type NestAppFactory = () => INestApplication | Promise<INestApplication>;

/** What the adapter serves: a root module class, an app not yet initialised, or a factory. */
export type NestAppSource = Type<unknown> | INestApplication | NestAppFactory;

/**
 * Whether a value is a Nest module class. `@Module({})` with no keys leaves no metadata, so
 * a class with none is taken for a module too: a factory is a function, not a class.
 */
export function isNestModuleClass(value: unknown): value is Type<unknown> {
  // The core's predicate: what the CLI detects as a Nest module is what this adapter accepts.
  return hasNestModuleShape(value);
}

/** Whether a value is a Nest HTTP application, recognised by shape (the core's predicate). */
export function isNestApplication(value: unknown): value is INestApplication {
  return hasNestAppShape(value);
}

/** Rejects, where the source enters, what can never become an app. */
export function checkAppSource(source: unknown): asserts source is NestAppSource {
  if (typeof source !== 'function' && !isNestApplication(source)) throw notAnApp('was given', source);
}

/**
 * Returns the app to serve: created from the module class on the chosen platform, returned
 * by the factory, or the one given.
 */
export async function obtainApp(
  source: NestAppSource,
  options: NestAdapterOptions,
  trustProxy: true | string[] | null = null,
): Promise<INestApplication> {
  if (isNestModuleClass(source)) return createFromModule(source, options, trustProxy);
  if (isNestApplication(source)) return source;
  if (typeof source !== 'function') throw notAnApp('was given', source);
  const app: unknown = await source();
  if (!isNestApplication(app)) throw notAnApp('factory returned', app);
  return app;
}

async function createFromModule(
  module: Type<unknown>,
  options: NestAdapterOptions,
  trustProxy: true | string[] | null,
): Promise<INestApplication> {
  const httpAdapter = await createHttpAdapter(options.platform ?? 'express', trustProxy);
  return NestFactory.create(module, httpAdapter, {
    // Nest's default (abortOnError) calls process.exit(1) on a failed boot; throwing lets
    // the worker report why it failed.
    abortOnError: false,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    ...(options.bufferLogs !== undefined ? { bufferLogs: options.bufferLogs } : {}),
  });
}

function notAnApp(what: string, value: unknown): TsuError {
  const kind = value === null ? 'null' : typeof value;
  return new TsuError(
    'TSU_ERR_APP_KIND',
    `@tsunicorn/nest ${what} ${kind}, not a Nest app: pass the root module class (AppModule) or a function returning \`NestFactory.create(AppModule)\``,
  );
}

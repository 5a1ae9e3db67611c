import { Server } from 'node:http';
import { isFastifyInstance as hasFastifyShape, TsuError } from '@tsunicorn/core';

/**
 * The part of a Fastify instance the adapter uses. It is structural on purpose: an instance
 * with a type provider (TypeBox, Zod) or a custom logger is a different `FastifyInstance`
 * type, and every one of them must be accepted.
 */
export interface FastifyApp {
  /** Fastify's own server, created with the app's timeouts and its request handler. */
  readonly server: unknown;
  ready(): PromiseLike<unknown>;
  close(): PromiseLike<unknown>;
  printRoutes(options?: { commonPrefix?: boolean }): string;
  findRoute(options: { method: 'POST'; url: string }): object | null;
  /** The options the instance was created with (Fastify ≥ 3). */
  readonly initialConfig?: { readonly trustProxy?: unknown };
}

/** Fastify options the adapter passes to a factory, to spread into `fastify({...})`. */
export interface FastifyFactoryOptions {
  /** From forwarded-allow-ips; absent when that setting is empty. */
  readonly trustProxy?: true | string[];
}

/** A Fastify app, or a function (possibly async) that builds one in each worker. */
export type FastifyAppOrFactory = FastifyApp | ((options: FastifyFactoryOptions) => FastifyApp | PromiseLike<FastifyApp>);

/**
 * Whether `value` is a Fastify instance, told by its public methods without importing
 * Fastify (so the adapter works with whichever copy of Fastify the app uses).
 *
 * @example
 * isFastifyInstance(fastify()); // true
 * isFastifyInstance(() => fastify()); // false: a factory
 */
export function isFastifyInstance(value: unknown): value is FastifyApp {
  // The core's predicate: what the CLI detects as Fastify is what this adapter accepts.
  return hasFastifyShape(value);
}

/**
 * Calls the factory when given one. A Fastify instance is thenable (awaiting it loads the
 * plugins registered so far), so an instance given directly is returned without awaiting.
 */
export async function obtainApp(appOrFactory: FastifyAppOrFactory, options: FastifyFactoryOptions = {}): Promise<FastifyApp> {
  const made = isFastifyInstance(appOrFactory) ? appOrFactory : await appOrFactory(options);
  if (!isFastifyInstance(made)) {
    throw new TsuError('TSU_ERR_APP_KIND', `The Fastify app factory returned ${describeValue(made)}, not a Fastify instance.`);
  }
  return made;
}

/**
 * The server the worker will listen on. It must be a plain HTTP server that is not listening
 * yet: the worker warms it over plain HTTP on loopback and then hands it client connections.
 */
export function servableServer(app: FastifyApp): Server {
  const { server } = app;
  if (!(server instanceof Server)) {
    throw new TsuError(
      'TSU_ERR_APP_KIND',
      'The Fastify app serves HTTPS or HTTP/2; tsunicorn serves plain HTTP/1.1. Create it without the https/http2 options and terminate TLS in front of it.',
    );
  }
  if (server.listening) {
    throw new TsuError('TSU_ERR_APP_KIND', 'The Fastify app is already listening. Remove its app.listen() call: tsunicorn listens for it.');
  }
  return server;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'no prototype'})`;
  return typeof value;
}

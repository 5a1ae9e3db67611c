import type { INestApplication } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { TsuError } from '@tsunicorn/core';
import type { NestPlatform } from './options.js';

/**
 * Creates the HTTP adapter of the platform. The platform package is imported here, on
 * demand, so that an app on one platform does not need the other installed.
 */
export async function createHttpAdapter(platform: NestPlatform, trustProxy: true | string[] | null = null): Promise<AbstractHttpAdapter> {
  try {
    if (platform === 'fastify') {
      const { FastifyAdapter } = await import('@nestjs/platform-fastify');
      // Fastify fixes trustProxy when the instance is created.
      return new FastifyAdapter(trustProxy === null ? undefined : { trustProxy });
    }
    const { ExpressAdapter } = await import('@nestjs/platform-express');
    return new ExpressAdapter();
  } catch (err) {
    if (!isPackageNotFound(err, `@nestjs/platform-${platform}`)) throw err;
    throw new TsuError(
      'TSU_ERR_ADAPTER_MISSING',
      `@tsunicorn/nest: platform "${platform}" needs @nestjs/platform-${platform}; install it next to @nestjs/core`,
      { cause: err },
    );
  }
}

/**
 * Applies forwarded-allow-ips to the app's platform: Express's `trust proxy` can be set at
 * any time; Fastify's `trustProxy` only when the instance is created, so an app built
 * elsewhere on Fastify keeps its own and the caller is told.
 */
export function applyTrustProxy(app: INestApplication, trustProxy: true | string[] | null): 'applied' | 'fixed-by-fastify' | 'unset' {
  if (trustProxy === null) return 'unset';
  const instance: unknown = app.getHttpAdapter().getInstance();
  if (isFastify(app)) {
    const config = (instance as { initialConfig?: { trustProxy?: unknown } }).initialConfig;
    return JSON.stringify(config?.trustProxy) === JSON.stringify(trustProxy) ? 'applied' : 'fixed-by-fastify';
  }
  (instance as { set(name: string, value: unknown): unknown }).set('trust proxy', trustProxy);
  return 'applied';
}

/** Whether the app runs on Fastify, which sets its server's timeouts itself. */
export function isFastify(app: INestApplication): boolean {
  return app.getHttpAdapter().getType() === 'fastify';
}

/**
 * Finishes the platform's own start. Nest's `init()` hands routes to Fastify, but Fastify
 * registers them only in its `ready()`, which Nest otherwise runs inside `listen()`; the
 * worker listens on the bare server, so it must have run.
 */
export async function readyPlatform(app: INestApplication): Promise<void> {
  if (!isFastify(app)) return;
  const instance: unknown = app.getHttpAdapter().getInstance();
  if (hasReady(instance)) await instance.ready();
}

function hasReady(value: unknown): value is { ready(): PromiseLike<unknown> } {
  return typeof value === 'object' && value !== null && typeof Reflect.get(value, 'ready') === 'function';
}

/** Only the platform package itself missing, not some module it imports. */
function isPackageNotFound(err: unknown, name: string): boolean {
  return err instanceof Error && (err as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' && err.message.includes(`'${name}'`);
}

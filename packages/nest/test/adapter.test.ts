/**
 * The adapter on the real example app (examples/nest/dist, compiled by tsc, which emits the
 * decorator metadata Nest needs), on both platforms, through the worker's own sequence.
 */
import { existsSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import type { ServedApp } from '@tsunicorn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdapter, type NestAdapterOptions, type NestAppSource } from '../src/index.js';
import { buildApp, closeListener, getJson, handOver, listenPrivately, send } from './helpers.js';

const dist = new URL('../../../examples/nest/dist/', import.meta.url);
if (!existsSync(new URL('app.js', dist))) throw new Error('examples/nest/dist is missing: run `pnpm build` (tsc -b) first');

const { AppModule } = (await import(new URL('app.module.js', dist).href)) as typeof import('../../../examples/nest/dist/app.module.js');
const { createApp, configureApp, lazyModules } = (await import(
  new URL('app.js', dist).href
)) as typeof import('../../../examples/nest/dist/app.js');
const { StatsService } = (await import(
  new URL('stats/stats.service.js', dist).href
)) as typeof import('../../../examples/nest/dist/stats/stats.service.js');

type Stats = ReturnType<InstanceType<typeof StatsService>['snapshot']>;

interface Setup {
  readonly name: string;
  /** Builds the adapter; `keep` receives the app so that the test can read it after close(). */
  adapter(keep: (app: INestApplication) => void): ReturnType<typeof createAdapter>;
}

const setups: Setup[] = [
  {
    name: 'express, from a factory',
    adapter: (keep) => {
      const factory: NestAppSource = async () => {
        const app = await createApp();
        keep(app);
        return app;
      };
      return createAdapter(factory, { lazyModules });
    },
  },
  {
    name: 'fastify, from the module class',
    adapter: (keep) => {
      const options: NestAdapterOptions = {
        platform: 'fastify',
        logger: false,
        lazyModules,
        configure: (app) => {
          keep(app);
          configureApp(app);
        },
      };
      return createAdapter(AppModule, options);
    },
  },
];

describe.each(setups)('the Nest adapter on $name', (setup) => {
  let served: ServedApp;
  let nest: INestApplication | undefined;
  let listeningAfterBuild: boolean;
  let port: number;
  let closed = false;

  beforeAll(async () => {
    served = await buildApp(setup.adapter((app) => (nest = app)));
    listeningAfterBuild = served.server.listening;
    port = await listenPrivately(served);
  });

  afterAll(async () => {
    // The last test closes the app; this covers a run that failed before it.
    if (served && !closed) await served.close();
  });

  it('returns the app’s HTTP server with its request listener, not yet listening', () => {
    expect(listeningAfterBuild).toBe(false);
    expect(served.server.listenerCount('request')).toBeGreaterThan(0);
  });

  it('lists the served paths, with the global prefix, its exclusions and URI versions', () => {
    const routes = served.routes().map((r) => `${r.method} ${r.path}`);
    expect(routes).toHaveLength(30);
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /api',
        'GET /api/time',
        'GET /health',
        'GET /ready',
        'GET /__stats',
        'GET /api/users',
        'GET /api/users/count',
        'GET /api/users/:id',
        'POST /api/users',
        'DELETE /api/users/:id',
        'GET /api/v2/catalog/products',
        'POST /api/v2/catalog/search',
        'POST /api/orders',
        'GET /api/reports/summary',
        'GET /api/quotes/today',
        'GET /api/session/whoami',
      ]),
    );
  });

  it('has loaded the listed lazy module at boot: its provider was built before any request', async () => {
    const before = await getJson<Stats>(port, '/__stats');
    expect(before.counters['PricingService constructed']).toBe(1);
    expect((await send(port, '/api/quotes/today')).status).toBe(200);
    const after = await getJson<Stats>(port, '/__stats');
    expect(after.counters['PricingService constructed']).toBe(1);
  });

  it('synthesises a valid request per route from its pipes and DTOs', async () => {
    const warmups = await served.routeWarmups!();
    await served.endWarmup?.();
    const byLabel = new Map(warmups.map((w) => [`${w.method} ${w.path}`, w]));
    expect(byLabel.get('GET /api/users/:id')?.candidates[0]).toMatchObject({ url: '/api/users/1' });
    // A nested DTO with an array of items (class-transformer's @Type) and an optional field left out.
    expect(byLabel.get('POST /api/orders')).toMatchObject({
      mode: 'validator+serializer',
      candidates: expect.arrayContaining([expect.objectContaining({ body: { userId: 1, items: [{ sku: 'warmup', quantity: 1 }] } })]),
    });
    expect(byLabel.get('POST /api/users')?.candidates[0]?.body).toEqual({ name: 'warmup', email: 'warmup@example.com' });
    expect(byLabel.get('DELETE /api/users/:id')).toMatchObject({ mode: 'validator+serializer' });
  });

  it('runs the pipes of unsafe routes with those requests and never their handlers', async () => {
    const warmups = await served.routeWarmups!();
    const unsafe = warmups.filter((w) => w.mode === 'validator+serializer');
    expect(unsafe.map((w) => `${w.method} ${w.path}`)).toContain('POST /api/v2/catalog/search');
    try {
      for (const w of unsafe) {
        const req = w.candidates[0]!;
        const reply = await send(port, req.url, { method: req.method, body: req.body, warmup: true });
        expect(reply.status, `${req.method} ${req.url}: ${reply.body}`).toBe(200);
      }
    } finally {
      await served.endWarmup?.();
    }
    const stats = await getJson<Stats>(port, '/__stats');
    // The interceptor, which runs before the pipes, saw the request; the handler did not run.
    expect(stats.handlers['CatalogController.search']).toEqual({ hits: 1, warmup: 1, errors: 1 });
    expect(stats.counters['CatalogController.search ran']).toBeUndefined();
    // DELETE /api/users/1 and PUT /api/users/1 did not reach the store.
    expect(await getJson<{ count: number }>(port, '/api/users/count')).toEqual({ count: 2 });
    expect((await send(port, '/api/users/1')).status).toBe(200);
  });

  it('still serves a valid body after those warm-up requests', async () => {
    const reply = await send(port, '/api/v2/catalog/search', { method: 'POST', body: { q: 'tetris' } });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual([expect.objectContaining({ sku: 'g-1' })]);
  });

  it('counts the handler hits of this process, and which carried x-tsunicorn-warmup', async () => {
    for (const route of served.routes().filter((r) => r.method === 'GET' && !r.path.includes(':'))) {
      const reply = await send(port, route.path, { warmup: true });
      expect(reply.status, `GET ${route.path}`).toBeLessThan(500);
    }
    await send(port, '/api/reports/summary');
    const stats = await getJson<Stats>(port, '/__stats');
    expect(stats.pid).toBe(process.pid);
    expect(stats.handlers['ReportsController.summary']).toEqual({ hits: 2, warmup: 1, errors: 0 });
    expect(stats.handlers['UsersController.list']).toEqual({ hits: 1, warmup: 1, errors: 0 });
    expect(stats.handlers['SessionController.whoami']).toEqual({ hits: 1, warmup: 1, errors: 0 });
  });

  it('names the request-scoped routes, and the routes warmed only with a rejected body, in its notes', () => {
    const rejectedOnly = (label: string) =>
      `${label} is warmed with a body that fails validation only: add a valid body to warmupRequests to warm its handler too`;
    expect(served.notes?.()).toEqual([
      'GET /api/session/whoami is request-scoped: its providers are rebuilt on every request; warm-up cannot remove that cost',
      'GET /api/session/trace is request-scoped: its providers are rebuilt on every request; warm-up cannot remove that cost',
      ...served.warmupRequests!().map((r) => rejectedOnly(`${r.method} ${r.url}`)),
    ]);
  });

  it('serves handed-over connections once the private listener is closed, then runs the shutdown hooks on close()', async () => {
    closeListener(served);
    expect(served.server.listening).toBe(false);
    const relay = await handOver(served);
    try {
      expect(await getJson(relay.port, '/health')).toEqual({ status: 'ok' });
      const reply = await send(relay.port, '/api/users', { method: 'POST', body: { name: 'Grace', email: 'grace@example.com' } });
      expect(reply.status).toBe(201);
    } finally {
      await relay.close();
    }
    const stats = nest?.get(StatsService);
    await served.close();
    closed = true;
    expect(stats?.snapshot().events).toEqual([
      'onModuleInit',
      'onApplicationBootstrap',
      'onModuleDestroy',
      'beforeApplicationShutdown',
      'onApplicationShutdown',
    ]);
  });
});

describe('the Nest adapter given the bare module class', () => {
  it('discovers the routes without prefix or versions and proposes no validation warm-up when no ValidationPipe is set', async () => {
    const served = await buildApp(createAdapter(AppModule, { logger: false }));
    try {
      const routes = served.routes().map((r) => `${r.method} ${r.path}`);
      expect(routes).toEqual(expect.arrayContaining(['GET /', 'GET /users', 'POST /users', 'GET /catalog/products', 'GET /__stats']));
      expect(served.warmupRequests?.()).toEqual([]);
      expect(served.ownsServerTimeouts).toBe(false);
    } finally {
      await served.close();
    }
  });

  it('leaves the platform’s timeouts to Fastify', async () => {
    const served = await buildApp(createAdapter(AppModule, { platform: 'fastify', logger: false }));
    try {
      expect(served.ownsServerTimeouts).toBe(true);
      expect(served.server.listening).toBe(false);
    } finally {
      await served.close();
    }
  });

  it('skips the validation warm-up when warmupValidation is false', async () => {
    const served = await buildApp(createAdapter(createApp, { warmupValidation: false }));
    try {
      expect(served.warmupRequests?.()).toEqual([]);
    } finally {
      await served.close();
    }
  });

  it('takes the adapterOptions setting over the options given in code (the config file wins)', async () => {
    const served = await buildApp(createAdapter(createApp, { warmupValidation: true }), { adapterOptions: { warmupValidation: false } });
    try {
      expect(served.warmupRequests?.()).toEqual([]);
    } finally {
      await served.close();
    }
  });
});

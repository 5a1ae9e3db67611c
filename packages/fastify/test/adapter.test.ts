import { Server } from 'node:http';
import { hasPathParameters, isTsuError, type ServedApp, type WarmupRequest } from '@tsunicorn/core';
import Fastify, { type FastifyTypeProvider } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: the example is plain JavaScript without type declarations.
import { createApp } from '../../../examples/fastify/app.js';
import { createAdapter } from '../src/index.js';
import { Agent, buildApp, closePrivateListener, handOverConnections, listenPrivately, send, waitFor } from './helpers.js';

type App = ReturnType<typeof Fastify>;
interface RouteStats {
  readonly hits: number;
  readonly warmup: number;
}
interface Stats {
  readonly requests: number;
  readonly warmup: number;
  readonly routes: Record<string, RouteStats>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Builds the example app through the adapter, collecting the lines its store plugin logs. */
async function buildExample(): Promise<{ served: ServedApp; lines: string[] }> {
  const lines: string[] = [];
  const served = await buildApp(createAdapter(() => createApp({ log: (line: string) => lines.push(line) })));
  cleanups.push(() => served.close());
  return { served, lines };
}

/** Sends warm-up requests the way the core's engine does: one keep-alive connection, marked. */
async function warm(port: number, requests: readonly WarmupRequest[]): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const statuses: number[] = [];
    for (const req of requests) {
      const reply = await send(port, { ...req, path: req.url, headers: { 'x-tsunicorn-warmup': '1', ...req.headers }, agent });
      statuses.push(reply.status);
    }
    return statuses;
  } finally {
    agent.destroy();
  }
}

function warmupPlan(served: ServedApp): WarmupRequest[] {
  const discovered = served
    .routes()
    .filter((r) => (r.method === 'GET' || r.method === 'HEAD') && !hasPathParameters(r.path))
    .map((r) => ({ method: r.method, url: r.path }));
  return [...discovered, ...(served.warmupRequests?.() ?? [])];
}

async function statsAt(port: number): Promise<Stats> {
  return JSON.parse((await send(port, { path: '/__stats' })).body) as Stats;
}

describe('build()', () => {
  it('returns the app ready, on Fastify’s own server, which is not listening', async () => {
    let made: App | undefined;
    const served = await buildApp(
      createAdapter(() => {
        made = Fastify();
        made.get('/', async () => 'ok');
        return made;
      }),
    );
    cleanups.push(() => served.close());
    expect(made).toBeDefined();
    expect(served.server).toBe(made?.server);
    expect(served.server).toBeInstanceOf(Server);
    expect(served.server.listening).toBe(false);
    expect(served.server.listenerCount('request')).toBe(1);
    expect(made?.hasRoute({ method: 'GET', url: '/' })).toBe(true);
    expect(served.ownsServerTimeouts).toBe(true);
  });

  it('calls the factory only when build() runs, and awaits an async one', async () => {
    let calls = 0;
    const adapter = createAdapter(async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 1));
      const app = Fastify();
      app.register(async (plugin) => {
        plugin.get('/from-plugin', async () => 'ok');
      });
      return app;
    });
    expect(calls).toBe(0);
    const served = await buildApp(adapter);
    cleanups.push(() => served.close());
    expect(calls).toBe(1);
    expect(served.routes()).toContainEqual({ method: 'GET', path: '/from-plugin' });
  });

  it('accepts an app instance given directly', async () => {
    const app = Fastify();
    app.get('/direct', async () => 'ok');
    const served = await buildApp(createAdapter(app));
    cleanups.push(() => served.close());
    expect(served.routes()).toContainEqual({ method: 'GET', path: '/direct' });
  });

  it('accepts an app with its own type provider and logger types', async () => {
    interface StringsProvider extends FastifyTypeProvider {
      validator: this['schema'] extends { type: 'string' } ? string : unknown;
      serializer: this['schema'] extends { type: 'string' } ? string : unknown;
    }
    const app = Fastify({ logger: false }).withTypeProvider<StringsProvider>();
    app.get('/typed', async () => 'ok');
    const served = await buildApp(createAdapter(() => app));
    cleanups.push(() => served.close());
    expect(served.routes()).toContainEqual({ method: 'GET', path: '/typed' });
  });

  it('leaves the server options as the app set them', async () => {
    const app = Fastify({ keepAliveTimeout: 1234, requestTimeout: 5678, connectionTimeout: 9000 });
    const served = await buildApp(createAdapter(app), { keepAlive: 2, requestTimeout: 10 });
    cleanups.push(() => served.close());
    expect(served.server.keepAliveTimeout).toBe(1234);
    expect(served.server.requestTimeout).toBe(5678);
    expect(served.server.timeout).toBe(9000);
    expect(served.ownsServerTimeouts).toBe(true);
  });

  it('keeps the example app’s own timeouts', async () => {
    const { served } = await buildExample();
    expect(served.server.keepAliveTimeout).toBe(5000);
    expect(served.server.requestTimeout).toBe(30_000);
  });

  it('refuses an app that is already listening, naming the fix', async () => {
    const app = Fastify();
    await app.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => app.close());
    const error = await buildApp(createAdapter(app)).catch((err: unknown) => err);
    expect(isTsuError(error, 'TSU_ERR_APP_KIND')).toBe(true);
    expect((error as Error).message).toContain('app.listen()');
  });

  it('refuses a factory that returns something other than a Fastify app', async () => {
    const factory = (() => ({ listen() {} })) as unknown as () => App;
    const error = await buildApp(createAdapter(factory)).catch((err: unknown) => err);
    expect(isTsuError(error, 'TSU_ERR_APP_KIND')).toBe(true);
  });

  it('passes a plugin’s boot error through', async () => {
    const app = Fastify();
    app.register(async () => {
      throw new Error('database unreachable');
    });
    await expect(buildApp(createAdapter(app))).rejects.toThrow('database unreachable');
  });
});

describe('serving in the worker’s order', () => {
  it('warms every discovered route through the handlers before the first real request', async () => {
    const { served } = await buildExample();
    const port = await listenPrivately(served);
    const statuses = await warm(port, warmupPlan(served));
    expect(statuses.every((status) => status < 500)).toBe(true);
    closePrivateListener(served);
    expect(served.server.listening).toBe(false);

    const relay = await handOverConnections(served);
    cleanups.push(relay.close);
    expect((await send(relay.port, { path: '/users' })).status).toBe(200);
    const stats = await statsAt(relay.port);

    // Fastify names `/users` and `/users/` of a prefixed plugin's '/' route by the prefix alone.
    for (const path of ['/', '/health', '/users', '/products', '/search', '/report', '/pages/home', '/api/v1', '/api/v1/items']) {
      expect(stats.routes[`GET ${path}`]?.warmup, `GET ${path}`).toBeGreaterThan(0);
    }
    // Behind its token, the admin route answered 401 from a hook: only configured requests reach it.
    expect(stats.routes['GET /api/v1/admin/metrics']).toBeUndefined();
    expect(stats.routes['HEAD /health']).toEqual({ hits: 1, warmup: 1 });
    // The first real request found its handler already run by warm-up.
    const users = stats.routes['GET /users'];
    expect(users?.warmup).toBeGreaterThan(0);
    expect(users?.hits).toBe((users?.warmup ?? 0) + 1);
  });

  it('serves connections handed over after the private listener closed, with keep-alive', async () => {
    const { served } = await buildExample();
    await listenPrivately(served);
    closePrivateListener(served);
    const relay = await handOverConnections(served);
    cleanups.push(relay.close);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(async () => agent.destroy());

    const replies = [];
    for (const path of ['/hello/ada', '/users/1', '/report/2024', '/pages/users/1']) replies.push(await send(relay.port, { path, agent }));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const posted = await send(relay.port, { method: 'POST', path: '/users', body: { name: 'Barbara', email: 'b@example.com' }, agent });
    expect(posted.status).toBe(201);
    expect((await send(relay.port, { method: 'POST', path: '/users', body: { name: 'x' }, agent })).status).toBe(400);

    const stats = await statsAt(relay.port);
    expect(stats.warmup).toBe(0);
    expect(stats.routes['GET /report/:year']).toEqual({ hits: 1, warmup: 0 });
    expect(stats.routes['POST /users']).toEqual({ hits: 1, warmup: 0 });
  });
});

describe('warm-up requests of the adapter', () => {
  it('post JSON and text bodies that reach no handler of the app', async () => {
    const { served } = await buildExample();
    const probes = served.warmupRequests?.() ?? [];
    expect(probes.map((p) => p.method)).toEqual(['POST', 'POST']);
    const port = await listenPrivately(served);
    expect(await warm(port, probes)).toEqual([404, 404]);
    const stats = await statsAt(port);
    expect(stats.requests).toBe(1); // only this GET /__stats
    closePrivateListener(served);
  });

  it('are left out where a catch-all route would run a handler', async () => {
    const app = Fastify();
    app.all('/*', async () => 'caught');
    const served = await buildApp(createAdapter(app));
    cleanups.push(() => served.close());
    expect(served.warmupRequests?.()).toEqual([]);
  });

  it('are turned off by warmupBodyParsers: false, given in code or in the adapterOptions setting', async () => {
    const inCode = await buildApp(createAdapter(Fastify(), { warmupBodyParsers: false }));
    cleanups.push(() => inCode.close());
    expect(inCode.warmupRequests?.()).toEqual([]);
    const inSettings = await buildApp(createAdapter(Fastify()), { adapterOptions: { warmupBodyParsers: false } });
    cleanups.push(() => inSettings.close());
    expect(inSettings.warmupRequests?.()).toEqual([]);
  });

  it('take the adapterOptions setting over the options given in code (the config file wins)', async () => {
    const served = await buildApp(createAdapter(Fastify(), { warmupBodyParsers: false }), { adapterOptions: { warmupBodyParsers: true } });
    cleanups.push(() => served.close());
    expect(served.warmupRequests?.()).not.toEqual([]);
  });
});

describe('adapter options', () => {
  it('reject an unknown option where they are given, naming it', () => {
    const options = { warmupBodyParser: false } as unknown as Parameters<typeof createAdapter>[1];
    expect(() => createAdapter(Fastify(), options)).toThrow(/Unknown Fastify adapter option "warmupBodyParser"/);
  });

  it('reject an invalid value from the adapterOptions setting when the app is built', async () => {
    const error = await buildApp(createAdapter(Fastify()), { adapterOptions: { warmupBodyParsers: 'yes' } }).catch((err: unknown) => err);
    expect(isTsuError(error, 'TSU_ERR_INVALID_SETTING')).toBe(true);
  });
});

describe('close()', () => {
  it('runs the onClose hooks after the listener closed and connections were handed over', async () => {
    const { served, lines } = await buildExample();
    const port = await listenPrivately(served);
    await warm(port, [{ url: '/health' }]);
    closePrivateListener(served);
    const relay = await handOverConnections(served);
    cleanups.push(relay.close);
    expect((await send(relay.port, { path: '/health' })).status).toBe(200);

    await served.close();
    expect(lines.at(-1)).toMatch(/onClose, store closed/);
  });

  it('lets a request in flight finish', async () => {
    const { served, lines } = await buildExample();
    await listenPrivately(served);
    closePrivateListener(served);
    const relay = await handOverConnections(served);
    cleanups.push(relay.close);

    const slow = send(relay.port, { path: '/slow?ms=300' });
    await waitFor(async () => (await statsAt(relay.port)).routes['GET /slow']?.hits === 1);
    await served.close();
    expect(lines.at(-1)).toMatch(/onClose/);
    const reply = await slow;
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ sleptMs: 300 });
  });

  it('cuts no request in flight even when the app asks Fastify to force-close connections', async () => {
    const app = Fastify({ forceCloseConnections: true });
    let started = 0;
    app.get('/slow', async () => {
      started++;
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { done: true };
    });
    const served = await buildApp(createAdapter(app));
    await listenPrivately(served);
    closePrivateListener(served);
    const relay = await handOverConnections(served);
    cleanups.push(relay.close);

    const slow = send(relay.port, { path: '/slow' });
    await waitFor(async () => started === 1);
    await served.close();
    expect(await slow).toMatchObject({ status: 200, body: '{"done":true}' });
  });

  it('resolves with an idle keep-alive connection still open', async () => {
    const { served, lines } = await buildExample();
    await listenPrivately(served);
    closePrivateListener(served);
    const relay = await handOverConnections(served);
    cleanups.push(relay.close);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(async () => agent.destroy());
    expect((await send(relay.port, { path: '/health', agent })).status).toBe(200);

    await served.close();
    expect(lines.at(-1)).toMatch(/onClose/);
  });

  it('resolves while the private warm-up listener is still open (a stop during boot)', async () => {
    const { served, lines } = await buildExample();
    await listenPrivately(served);
    await served.close();
    expect(served.server.listening).toBe(false);
    expect(lines.at(-1)).toMatch(/onClose/);
  });

  it('resolves for an app whose server never listened', async () => {
    const { served, lines } = await buildExample();
    await served.close();
    expect(lines).toContainEqual(expect.stringMatching(/onClose/));
  });
});

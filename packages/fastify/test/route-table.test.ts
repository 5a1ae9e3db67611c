import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: the example is plain JavaScript without type declarations.
import { createApp } from '../../../examples/fastify/app.js';
import { readRouteTable } from '../src/route-table.js';

type App = ReturnType<typeof Fastify>;
const opened: App[] = [];

async function ready(app: App): Promise<App> {
  opened.push(app);
  await app.ready();
  return app;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((app) => app.close()));
});

const quietExample = (): App => createApp({ log: () => {} });
const keys = (app: App) => readRouteTable(app).map((r) => `${r.method} ${r.path}`);

describe('the route table', () => {
  it('lists every route of the example app, the prefixed and nested plugins included', async () => {
    const routes = keys(await ready(quietExample()));
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /',
        'HEAD /',
        'GET /health',
        'GET /__stats',
        'GET /slow',
        'GET /hello/:name',
        'POST /echo',
        'GET /users',
        'GET /users/',
        'POST /users',
        'GET /users/:id',
        'PUT /users/:id',
        'PATCH /users/:id',
        'DELETE /users/:id',
        'GET /products',
        'GET /products/:sku',
        'GET /search',
        'POST /orders',
        'GET /orders/:id',
        'GET /report',
        'GET /report/:year',
        'GET /report/:year/csv',
        'GET /pages/home',
        'GET /pages/users/:id',
        'GET /api/v1',
        'GET /api/v1/',
        'GET /api/v1/status',
        'GET /api/v1/items',
        'POST /api/v1/items',
        'GET /api/v1/items/:id',
        'GET /api/v1/admin/metrics',
      ]),
    );
  });

  it('names only routes that Fastify itself says exist', async () => {
    const app = await ready(quietExample());
    const routes = readRouteTable(app);
    expect(routes.length).toBeGreaterThan(50);
    for (const { method, path } of routes) {
      expect(app.hasRoute({ method: method as 'GET', url: path }), `${method} ${path}`).toBe(true);
    }
  });

  it('keeps the static part of a path before a wildcard', async () => {
    const app = Fastify();
    app.get('/static/*', async () => 'file');
    app.get('/', async () => 'root');
    expect(keys(await ready(app))).toEqual(expect.arrayContaining(['GET /static/*', 'GET /']));
  });

  it('lists a route declared under several constraints once', async () => {
    const app = Fastify();
    app.get('/v', { constraints: { version: '1.0.0' } }, async () => 'one');
    app.get('/v', { constraints: { version: '2.0.0' } }, async () => 'two');
    app.get('/v/next', async () => 'next');
    expect(keys(await ready(app)).sort()).toEqual(['GET /v', 'GET /v/next', 'HEAD /v', 'HEAD /v/next']);
  });

  it('reads parameters, regular expressions, multi-parameter segments and optional parameters', async () => {
    const app = Fastify({ exposeHeadRoutes: false });
    app.get('/num/:n(^\\d+)', async () => 'n');
    app.get('/range/:from-:to', async () => 'range');
    app.get('/opt/:maybe?', async () => 'opt');
    app.route({ method: ['GET', 'POST'], url: '/multi', handler: async () => 'multi' });
    expect(keys(await ready(app)).sort()).toEqual([
      'GET /multi',
      'GET /num/:n(^\\d+)',
      'GET /opt',
      'GET /opt/:maybe',
      'GET /range/:from-:to',
      'POST /multi',
    ]);
  });

  it('is empty for an app without routes', async () => {
    expect(readRouteTable(await ready(Fastify()))).toEqual([]);
  });
});

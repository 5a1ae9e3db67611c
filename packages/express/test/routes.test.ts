import express from 'express';
import { describe, expect, it } from 'vitest';
import { createAdapter } from '../src/index.js';
import { pathFromLegacyRegexp } from '../src/router-stack.js';
import { build, importExample } from './helpers.js';

describe('route discovery', () => {
  it('finds every route of the example app, with the paths of the routers they are mounted in', async () => {
    const { createApp } = await importExample();
    const app = await build(createAdapter(createApp()));
    const routes = app.routes().map((r) => `${r.method} ${r.path}`);
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /',
        'GET /hello/:name',
        'GET /page',
        'GET /report',
        'GET /report/:year',
        'POST /echo',
        'POST /contact',
        'GET /api',
        'GET /api/users',
        'GET /api/users/:id',
        'POST /api/users',
        'PUT /api/users/:id',
        'PATCH /api/users/:id',
        'DELETE /api/users/:id',
        'GET /api/admin/config',
        'POST /api/admin/cache/clear',
      ]),
    );
    expect(routes).toHaveLength(32);
    expect(new Set(routes).size).toBe(routes.length);
  });

  it('lists declared methods only, not the HEAD Express answers for GET routes', async () => {
    const app = express();
    app.get('/a', (_req, res) => void res.end());
    app.head('/b', (_req, res) => void res.end());
    const served = await build(createAdapter(app));
    expect(served.routes()).toEqual([
      { method: 'GET', path: '/a' },
      { method: 'HEAD', path: '/b' },
    ]);
  });

  it("counts a router's .all() route as GET and lists each path of a path array", async () => {
    const app = express();
    const router = express.Router();
    router.all('/ping', (_req, res) => void res.end());
    router.get(['/one', '/two'], (_req, res) => void res.end());
    app.use(router);
    const served = await build(createAdapter(app));
    expect(served.routes()).toEqual([
      { method: 'GET', path: '/ping' },
      { method: 'GET', path: '/one' },
      { method: 'GET', path: '/two' },
    ]);
  });

  it('lists app.all() under every method, since Express 5 registers each one', async () => {
    const app = express();
    app.all('/any', (_req, res) => void res.end());
    const methods = (await build(createAdapter(app))).routes().map((r) => r.method);
    expect(methods).toEqual(expect.arrayContaining(['GET', 'HEAD', 'POST', 'DELETE']));
  });

  it('keeps the routes of a router mounted at a path with parameters, for the core to filter', async () => {
    const app = express();
    const tenant = express.Router();
    tenant.get('/home', (_req, res) => void res.end());
    app.use('/:tenant', tenant);
    const served = await build(createAdapter(app));
    expect(served.routes()).toEqual([{ method: 'GET', path: '/:tenant/home' }]);
  });

  it('leaves out RegExp routes and routers mounted at a RegExp, and says so in notes', async () => {
    const app = express();
    const legacy = express.Router();
    legacy.get('/home', (_req, res) => void res.end());
    app.get(/^\/legacy\/.*$/, (_req, res) => void res.end());
    app.use(/^\/v\d+/, legacy);
    const served = await build(createAdapter(app));
    expect(served.routes()).toEqual([]);
    expect(served.notes?.()).toEqual([expect.stringContaining('router mounted at /^\\/v\\d+/ has no path discovery can read')]);
  });

  it('notes a sub-app, whose routes Express keeps out of reach', async () => {
    const app = express();
    const admin = express();
    admin.get('/dashboard', (_req, res) => void res.end());
    app.use('/admin', admin);
    app.get('/', (_req, res) => void res.end());
    const served = await build(createAdapter(app));
    expect(served.routes()).toEqual([{ method: 'GET', path: '/' }]);
    expect(served.notes?.()).toEqual([expect.stringContaining('sub-app mounted at /admin')]);
  });

  it('finds the routes of a router mounted at / and of one mounted at a nested path', async () => {
    const app = express();
    const root = express.Router();
    const v1 = express.Router();
    const items = express.Router();
    root.get('/about', (_req, res) => void res.end());
    items.get('/', (_req, res) => void res.end());
    v1.use('/items/', items);
    app.use(root);
    app.use('/v1', v1);
    const served = await build(createAdapter(app));
    expect(served.routes()).toEqual([
      { method: 'GET', path: '/about' },
      { method: 'GET', path: '/v1/items' },
    ]);
  });

  it('finds no routes in an app without any', async () => {
    const served = await build(createAdapter(express()));
    expect(served.routes()).toEqual([]);
    expect(served.notes?.()).toEqual([]);
  });
});

describe('Express 4 mount paths', () => {
  // The regexps path-to-regexp 0.1 builds for app.use(path) (end: false), as Express 4 stores them.
  it('recovers a static path from the regexp of a use() layer', () => {
    expect(pathFromLegacyRegexp(/^\/api\/?(?=\/|$)/i)).toEqual(['/api']);
    expect(pathFromLegacyRegexp(/^\/api\/v1\.2\/?(?=\/|$)/i)).toEqual(['/api/v1.2']);
    expect(pathFromLegacyRegexp(Object.assign(/^\/?(?=\/|$)/i, { fast_slash: true }))).toEqual(['']);
  });

  it('gives up on a regexp with parameters', () => {
    expect(pathFromLegacyRegexp(/^\/(?:([^/]+?))\/?(?=\/|$)/i)).toEqual([]);
  });
});

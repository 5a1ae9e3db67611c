/**
 * Apps as they come, with no tsunicorn config (test/apps): warm-up synthesises a request for
 * every route from the framework's metadata, runs every safe handler, and by default runs no
 * handler of a POST, PUT, PATCH or DELETE route. The apps count their handlers' calls.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getJson } from './helpers/http.js';
import { ROOT, start, stopAll } from './helpers/server.js';

afterEach(stopAll);

const APPS = `${ROOT}test/apps`;

/** Handlers of the shops' routes, by whether their method is safe. */
const SAFE = [
  'home',
  'health',
  'time',
  'listProducts',
  'getProduct',
  'reviews',
  'categories',
  'category',
  'search',
  'getUser',
  'userOrders',
  'getOrder',
  'report',
  'stats',
  'apiStatus',
  'apiItems',
  'apiItem',
  'apiItemHistory',
];
const UNSAFE = [
  'createProduct',
  'replaceProduct',
  'updateProduct',
  'deleteProduct',
  'createOrder',
  'createUser',
  'contact',
  'addToCart',
  'emptyCart',
];

const apps = [
  { name: 'express', dir: 'express-shop', spec: 'app.js', extraSafe: ['file'] },
  { name: 'fastify', dir: 'fastify-shop', spec: 'app.js', extraSafe: ['file'] },
  { name: 'nest', dir: 'nest-shop', spec: 'dist/app.js:createApp', extraSafe: [] },
] as const;

describe.each(apps)('the $name shop, served with no config', (app) => {
  const cwd = `${APPS}/${app.dir}`;

  it('has every safe handler warmed and no unsafe handler run when it becomes ready', async () => {
    const server = start({ args: [app.spec, '-w', '1', '-b', '127.0.0.1:0'], cwd });
    const port = await server.ready(45_000);
    const calls = await getJson<Record<string, number>>(port, '/__calls');
    for (const name of [...SAFE, ...app.extraSafe]) expect({ name, warmed: (calls[name] ?? 0) > 0 }).toEqual({ name, warmed: true });
    for (const name of UNSAFE) expect({ name, calls: calls[name] ?? 0 }).toEqual({ name, calls: 0 });
    // The master's report: one table per generation, unsafe routes warmed without their handler.
    expect(server.log).toMatch(/Warm-up report, generation 1 \(worker 1\): \d+ routes/);
    expect(server.log).toMatch(/POST\s+\/products\s+validator\+serializer/);
    expect(server.log).toMatch(/GET\s+\/products\/:id\s+full stack\s+200/);
    // The stubs are gone: a real request reaches the handler.
    expect((await fetch(`http://127.0.0.1:${port}/products/3`, { method: 'DELETE' })).status).toBe(204);
    expect((await getJson<Record<string, number>>(port, '/__calls')).deleteProduct).toBe(1);
    server.signal('SIGTERM');
    expect(await server.waitForExit()).toBe(0);
  });

  it('runs unsafe handlers too with --warmup-unsafe; the last pass comes through the connection hand-over', async () => {
    const server = start({ args: [app.spec, '-w', '1', '-b', '127.0.0.1:0', '--warmup-unsafe', '--log-level', 'debug'], cwd });
    const port = await server.ready(45_000);
    const calls = await getJson<Record<string, number>>(port, '/__calls');
    expect(calls.deleteProduct ?? 0).toBeGreaterThan(0);
    expect(server.log).not.toMatch(/validator\+serializer/);
    expect(server.log).toMatch(/Warm-up: the last pass came through the connection hand-over \([1-9]\d* connection\(s\)\)/);
    // --log-level debug keeps one line per request sent.
    expect(server.log).toMatch(/\[DEBUG\].* Warm-up GET \/products\/1: first [\d.]+ ms, last [\d.]+ ms/);
    server.signal('SIGTERM');
    expect(await server.waitForExit()).toBe(0);
  });
});

describe('tsunicorn warmup-report APP', () => {
  it('prints the route table, the cold routes and a snippet for them, and exits without serving', async () => {
    const run = start({ args: ['warmup-report', 'app.js'], cwd: `${APPS}/express-shop` });
    expect(await run.waitForExit()).toBe(0);
    expect(run.log).toMatch(/Warm-up report for app\.js \(express adapter\): \d+ routes, \d+ warm, \d+ cold/);
    expect(run.log).toMatch(/GET\s+\/files\/\*path\s+full stack\s+200/);
    // Express has no body schemas: a POST guarded by a field check answers 400 to `{}`.
    expect(run.log).toMatch(/POST \/orders: answered 400/);
    expect(run.log).toContain(`{ method: 'POST', url: "/orders", body: {} },`);
    expect(run.log).not.toMatch(/Listening at/);
  });
});

describe('an Express API with the openapi.yaml it ships, served with no config', () => {
  const cwd = `${APPS}/express-api`;

  it('warms every route its middleware guards, and the sub-app routes only the document names, running no unsafe handler', async () => {
    const server = start({ args: ['app.js:app', '-w', '1', '-b', '127.0.0.1:0'], cwd });
    const port = await server.ready(45_000);
    const calls = await getJson<Record<string, number>>(port, '/__calls');
    for (const name of ['health', 'listProducts', 'getProduct', 'search', 'getAccount', 'invoices', 'adminStats', 'adminUser']) {
      expect({ name, warmed: (calls[name] ?? 0) > 0 }).toEqual({ name, warmed: true });
    }
    for (const name of ['createOrder', 'updateAccount', 'cancelOrder'])
      expect({ name, calls: calls[name] ?? 0 }).toEqual({ name, calls: 0 });
    expect(server.log).toContain('requests synthesised from the OpenAPI document (openapi.yaml, 11 operations)');
    expect(server.log).toMatch(/POST\s+\/orders\s+validator\+serializer\s+200/);
    expect(server.log).toMatch(/GET\s+\/admin\/users\/:userId\s+full stack\s+200/);
    server.signal('SIGTERM');
    expect(await server.waitForExit()).toBe(0);
  });

  it('leaves no route cold in tsunicorn warmup-report', async () => {
    const run = start({ args: ['warmup-report', 'app.js:app'], cwd });
    expect(await run.waitForExit()).toBe(0);
    expect(run.log).toMatch(/Warm-up report for app\.js:app \(express adapter\): (\d+) routes, \1 warm, 0 cold/);
  });
});

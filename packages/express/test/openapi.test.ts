/**
 * The OpenAPI document as a source of warm-up requests, on real Express 5 and 4: found as a
 * route the app serves, named by `{ url }` or as a file, or turned off; a route whose
 * middleware rejects guessed values is warm only with it; a bad option names itself.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import express5 from 'express';
import express4 from 'express4';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/temp.js';
import { createAdapter, type ExpressAdapterOptions, type ExpressApp } from '../src/index.js';
import { build, memoryLogger, warmApp } from './helpers.js';

type Express = (() => ExpressApp & {
  get(...args: unknown[]): unknown;
  post(...args: unknown[]): unknown;
  use(...args: unknown[]): unknown;
}) & {
  json(): unknown;
};

const SKU = /^[A-Z]{3}-\d{4}$/;

const document = {
  openapi: '3.0.3',
  info: { title: 'shop', version: '1' },
  paths: {
    '/products/{sku}': {
      get: { parameters: [{ name: 'sku', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Z]{3}-\\d{4}$' } }] },
    },
    '/orders': {
      post: {
        requestBody: {
          content: {
            'application/json': {
              schema: { type: 'object', required: ['quantity'], properties: { quantity: { type: 'integer', minimum: 1, maximum: 5 } } },
            },
          },
        },
      },
    },
  },
};

describe.each([
  { name: 'Express 5', express: express5 as unknown as Express },
  { name: 'Express 4', express: express4 as unknown as Express },
])('$name', ({ express }) => {
  /** Middleware that answers 400 unless the parameter or field is what the document says. */
  function shop(docRoute: string | null) {
    const calls: Record<string, number> = {};
    const app = express();
    app.use(express.json());
    app.get(
      '/products/:sku',
      (req: { params: Record<string, string> }, res: { status(n: number): { json(v: unknown): void }; json(v: unknown): void }) => {
        if (!SKU.test(req.params.sku ?? '')) return res.status(400).json({ error: 'not a SKU' });
        calls.getProduct = (calls.getProduct ?? 0) + 1;
        res.json({ ok: true });
      },
    );
    app.post(
      '/orders',
      (req: { body?: { quantity?: unknown } }, res: { status(n: number): { json(v: unknown): void } }, next: () => void) =>
        Number.isInteger(req.body?.quantity) ? next() : res.status(400).json({ error: 'quantity' }),
      (_req: unknown, res: { status(n: number): { json(v: unknown): void } }) => {
        calls.createOrder = (calls.createOrder ?? 0) + 1;
        res.status(201).json({ id: 1 });
      },
    );
    if (docRoute) app.get(docRoute, (_req: unknown, res: { json(v: unknown): void }) => res.json(document));
    return { app, calls };
  }

  async function warm(app: ExpressApp, options: ExpressAdapterOptions = {}) {
    const log = memoryLogger();
    const served = await build(createAdapter(app, options), {}, log);
    const summary = await warmApp(served, {}, log);
    await served.close();
    const route = (label: string) => summary.routes?.find((r) => `${r.method} ${r.path}` === label);
    return { summary, route, log };
  }

  it('reads the document the app serves at /openapi.json: guarded routes are warm, unsafe handlers do not run', async () => {
    const { app, calls } = shop('/openapi.json');
    const { route, log } = await warm(app);
    expect(route('GET /products/:sku')).toMatchObject({ status: 200, cold: false });
    expect(route('GET /products/:sku')?.url).toMatch(/^\/products\/[A-Z]{3}-\d{4}$/);
    expect(route('POST /orders')).toMatchObject({ mode: 'validator+serializer', status: 200, cold: false });
    expect(calls).toEqual({ getProduct: 3 });
    expect(log.lines.join('\n')).toContain('requests synthesised from the OpenAPI document (GET /openapi.json, 2 operations)');
  });

  it('reads a route named by { url }, and a file given by name', async () => {
    const served = await warm(shop('/internal/spec').app, { openapi: { url: '/internal/spec' } });
    expect(served.route('GET /products/:sku')).toMatchObject({ cold: false });
    const dir = tempDir('tsu-openapi-');
    const file = join(dir, 'api.yaml');
    writeFileSync(
      file,
      `openapi: 3.0.3\ninfo: { title: a, version: '1' }\npaths:\n  /products/{id}:\n    get:\n      parameters:\n        - { name: id, in: path, required: true, example: XYZ-0001, schema: { type: string } }\n`,
    );
    const fromFile = await warm(shop(null).app, { openapi: file });
    expect(fromFile.route('GET /products/:sku')).toMatchObject({ status: 200, cold: false, url: '/products/XYZ-0001' });
  });

  it('without a document, the guessed values are rejected and the route is reported cold', async () => {
    const { route } = await warm(shop('/openapi.json').app, { openapi: false });
    expect(route('GET /products/:sku')).toMatchObject({ cold: true, status: 400 });
  });

  it('a { url } that serves no document is a warning, and the rest of the routes are still warmed', async () => {
    const { route, log } = await warm(shop(null).app, { openapi: { url: '/missing' } });
    expect(log.lines.join('\n')).toMatch(/openapi: GET \/missing gave no OpenAPI document: answered 404; warming the routes without it/);
    expect(route('POST /orders')).toMatchObject({ mode: 'validator+serializer' });
  });
});

describe('the openapi option', () => {
  it('names a file that does not exist, and a value of the wrong kind', () => {
    expect(() => createAdapter(express5 as unknown as ExpressApp, { openapi: 'no-such-openapi.yaml' })).toThrow(
      /@tsunicorn\/express options: openapi: no file "no-such-openapi.yaml" \(resolved to .*no-such-openapi\.yaml\)/,
    );
    expect(() => createAdapter(express5 as unknown as ExpressApp, { openapi: { url: 'openapi.json' } })).toThrow(
      /openapi\.url must be a path/,
    );
    expect(() => createAdapter(express5 as unknown as ExpressApp, { openapi: 42 } as never)).toThrow(/openapi must be a file name/);
  });
});

/**
 * Synthesised per-route warm-up on real Express 5 and Express 4 (installed as `express4`):
 * every route gets a request with its parameters filled, unsafe routes run their middleware
 * but not their final handler while warm-up runs, and the handler is back afterwards.
 */
import type { AddressInfo } from 'node:net';
import express5 from 'express';
import express4 from 'express4';
import { describe, expect, it } from 'vitest';
import { createAdapter, type ExpressApp } from '../src/index.js';
import { build, send } from './helpers.js';

type ExpressFactory = () => ExpressApp & {
  use(...args: unknown[]): unknown;
  get(...args: unknown[]): unknown;
  post(...args: unknown[]): unknown;
  delete(...args: unknown[]): unknown;
};

const versions = [
  // Express 5 (path-to-regexp 8) has no inline RegExp parameters; Express 4 has no named wildcard.
  {
    name: 'Express 5',
    express: express5 as unknown as ExpressFactory & { json(): unknown },
    wildcard: '/files/*path',
    order: '/orders/:id',
  },
  {
    name: 'Express 4',
    express: express4 as unknown as ExpressFactory & { json(): unknown },
    wildcard: '/files/*',
    order: '/orders/:id(\\d+)',
  },
] as const;

describe.each(versions)('$name', ({ express, wildcard, order }) => {
  function shop() {
    const calls: Record<string, number> = {};
    const count = (name: string) => (_req: unknown, res: { json(v: unknown): void }) => {
      calls[name] = (calls[name] ?? 0) + 1;
      res.json({ name });
    };
    const seen: string[] = [];
    const app = express();
    app.use(express.json());
    app.get('/users/:userId', count('getUser'));
    app.get(order, count('getOrder'));
    app.get(wildcard, count('file'));
    app.post(
      '/orders',
      (req: { body: unknown }, _res: unknown, next: () => void) => {
        seen.push(JSON.stringify(req.body));
        next();
      },
      count('createOrder'),
    );
    app.delete('/orders/:id', count('deleteOrder'));
    return { app, calls, seen };
  }

  it('synthesises a request per route and keeps unsafe final handlers from running during warm-up', async () => {
    const { app, calls, seen } = shop();
    const served = await build(createAdapter(app));
    await new Promise<void>((resolve) => served.server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = served.server.address() as AddressInfo;
      const warmups = await served.routeWarmups!();
      const byLabel = Object.fromEntries(warmups.map((w) => [`${w.method} ${w.path}`, w]));
      expect(byLabel['GET /users/:userId']?.mode).toBe('full stack');
      expect(byLabel['GET /users/:userId']?.candidates[0]?.url).toBe('/users/1');
      expect(byLabel[`GET ${order}`]?.candidates[0]?.url).toBe('/orders/1');
      expect(byLabel[`GET ${wildcard}`]?.candidates[0]?.url).toBe('/files/warmup');
      expect(byLabel['POST /orders']).toMatchObject({ mode: 'validator+serializer' });
      expect(byLabel['DELETE /orders/:id']).toMatchObject({ mode: 'validator+serializer' });
      for (const w of warmups) {
        const reply = await send(port, { ...w.candidates[0]!, headers: { 'x-tsunicorn-warmup': '1' } });
        expect({ route: w.path, status: reply.status }).toEqual({ route: w.path, status: 200 });
      }
      expect(calls).toEqual({ getUser: 1, getOrder: 1, file: 1 });
      // The route's own middleware before the handler ran, with the parsed body.
      expect(seen).toEqual(['{}']);
      await served.endWarmup?.();
      expect((await send(port, { method: 'DELETE', url: '/orders/9' })).body).toBe('{"name":"deleteOrder"}');
      expect(calls.deleteOrder).toBe(1);
    } finally {
      served.server.close();
      await served.close();
    }
  });

  it('runs unsafe handlers with warmupUnsafe, and the handler of a route warmupRequests names', async () => {
    const { app, calls } = shop();
    const served = await build(createAdapter(app), {
      warmupUnsafe: false,
      warmupRequests: [{ method: 'POST', url: '/orders', body: { id: 1 } }],
    });
    await new Promise<void>((resolve) => served.server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = served.server.address() as AddressInfo;
      const warmups = await served.routeWarmups!();
      expect(warmups.find((w) => w.method === 'POST')?.mode).toBe('full stack');
      await send(port, { method: 'POST', url: '/orders', body: { id: 1 } });
      expect(calls.createOrder).toBe(1);
      await served.endWarmup?.();
    } finally {
      served.server.close();
      await served.close();
    }
    const unsafe = await build(createAdapter(shop().app), { warmupUnsafe: true });
    expect((await unsafe.routeWarmups!()).every((w) => w.mode === 'full stack')).toBe(true);
    await unsafe.endWarmup?.();
    await unsafe.close();
  });
});

import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { RouteWarmup, ServedApp } from '../src/adapter/contract.js';
import { fillPath, guessParameter, pathParameters } from '../src/adapter/path-params.js';
import { sampleForPattern } from '../src/adapter/sample-text.js';
import { loadSettings } from '../src/index.js';
import { createLogger } from '../src/logger.js';
import { formatWarmupReport } from '../src/warmup-report.js';
import { matchesRoute, planWarmup, routePattern } from '../src/worker/warmup-plan.js';

describe('route paths', () => {
  it('fills parameters by name and constraint, in every framework syntax', () => {
    const guess = (p: Parameters<typeof guessParameter>[0]) => guessParameter(p);
    expect(fillPath('/users/:id/posts/:slug', guess)).toBe('/users/1/posts/warmup');
    expect(fillPath('/orders/:orderId(\\d+)', guess)).toBe('/orders/1');
    expect(fillPath('/files/*path', guess)).toBe('/files/warmup');
    expect(fillPath('/static/*', guess)).toBe('/static/warmup');
    expect(fillPath('/items{/:page}', guess)).toBe('/items/1');
    expect(fillPath('/carts/:cartUuid', guess)).toBe('/carts/00000000-0000-4000-8000-000000000000');
    expect(fillPath('/days/:date', guess)).toBe('/days/2024-01-01');
  });

  it('keeps to a parameter’s RegExp constraint, falling back to other guesses', () => {
    const [param] = pathParameters('/x/:name([a-z]+)');
    expect(param).toMatchObject({ name: 'name', wildcard: false });
    expect(guessParameter(param!)).toBe('warmup');
    const [numeric] = pathParameters('/x/:name(\\d+)');
    expect(guessParameter(numeric!)).toBe('1');
  });

  it('matches configured URLs to route patterns', () => {
    expect(routePattern('/users/:id').test('/users/42')).toBe(true);
    expect(routePattern('/users/:id').test('/users/42/posts')).toBe(false);
    expect(routePattern('/files/*path').test('/files/a/b.txt')).toBe(true);
    expect(routePattern('/items{/:page}').test('/items')).toBe(true);
    expect(routePattern('/a.b/:id(\\d+)').test('/a.b/7')).toBe(true);
    expect(matchesRoute({ method: 'POST', path: '/orders' }, { method: 'post', url: '/orders?x=1' })).toBe(true);
    expect(matchesRoute({ method: 'POST', path: '/orders' }, { url: '/orders' })).toBe(false);
  });

  it('finds strings for simple patterns', () => {
    expect(sampleForPattern(/^ORD-[0-9]{4}$/)).toBe('ORD-1111');
    expect(sampleForPattern(/^[0-9]{5}$/)).toBe('11111');
    expect(sampleForPattern(/^[a-z]+-\d+$/)).toBe('a-1');
    expect(sampleForPattern(/^\d{3}$/, 0, 2)).toBeUndefined();
  });
});

function served(warmups: RouteWarmup[]): ServedApp {
  return {
    server: createServer(),
    routes: () => warmups.map(({ method, path }) => ({ method, path })),
    routeWarmups: async () => warmups,
    warmupRequests: () => [{ method: 'POST', url: '/__probe' }],
    close: async () => {},
  };
}

describe('the warm-up plan', () => {
  const warmups: RouteWarmup[] = [
    { method: 'GET', path: '/users/:id', mode: 'full stack', candidates: [{ method: 'GET', url: '/users/1' }] },
    { method: 'POST', path: '/orders', mode: 'validator+serializer', candidates: [{ method: 'POST', url: '/orders', body: {} }] },
  ];

  it('lets a configured request win over synthesis for the route it matches', async () => {
    const settings = loadSettings({ warmupRequests: [{ method: 'POST', url: '/orders', body: { id: 1 } }, '/elsewhere'] });
    const plan = await planWarmup(served(warmups), settings);
    expect(plan.routes.map((r) => [r.route.path, r.route.mode, r.configured])).toEqual([
      ['/users/:id', 'full stack', false],
      ['/orders', 'full stack', true],
    ]);
    expect(plan.routes[1]!.route.candidates).toEqual([{ method: 'POST', url: '/orders', body: { id: 1 } }]);
    // The configured request that matches no route is sent as before, after the adapter's.
    expect(plan.requests.map((r) => r.url)).toEqual(['/__probe', '/elsewhere']);
  });

  it('falls back to the discovered GET routes without parameters, with a warning, when synthesis fails', async () => {
    const warnings: string[] = [];
    const log = { ...createLogger('/dev/null', 'critical'), warning: (m: string) => void warnings.push(m) };
    const broken: ServedApp = {
      ...served(warmups),
      routes: () => [
        { method: 'GET', path: '/' },
        { method: 'GET', path: '/users/:id' },
      ],
      routeWarmups: async () => {
        throw new Error('metadata unreadable');
      },
    };
    const plan = await planWarmup(broken, loadSettings(), log);
    expect(plan.routes).toEqual([]);
    expect(plan.requests.map((r) => r.url)).toEqual(['/', '/__probe']);
    expect(warnings).toEqual([expect.stringContaining('metadata unreadable')]);
  });

  it('falls back to the discovered GET routes without parameters when warmupRoutes is off', async () => {
    const plan = await planWarmup(served(warmups), loadSettings({ warmupRoutes: false }));
    expect(plan.routes).toEqual([]);
  });
});

describe('the warm-up report', () => {
  it('lists every route, then the cold ones with why, then a snippet to paste', () => {
    // The report's input as the worker builds it: a skipped route's URL has its parameters filled.
    const lines = formatWarmupReport(
      {
        requests: 2,
        hits: 6,
        firstMs: 1,
        lastMs: 0.5,
        totalMs: 10,
        failed: 0,
        routes: [
          { method: 'GET', path: '/users/:id', mode: 'full stack', url: '/users/1', status: 200, firstMs: 1.5, lastMs: 0.4, cold: false },
          {
            method: 'POST',
            path: '/orders',
            mode: 'validator+serializer',
            url: '/orders',
            status: 400,
            cold: true,
            reason: 'answered 400',
          },
          { method: 'PUT', path: '/x/:id', mode: 'skipped', url: '/x/1', cold: true, reason: 'no pipe runs before its handler' },
        ],
      },
      'Warm-up report',
    );
    expect(lines[0]).toBe('Warm-up report: 3 routes, 1 warm, 2 cold');
    expect(lines[1]).toMatch(/^ {2}METHOD +PATH +HOW WARMED +STATUS +FIRST +LAST$/);
    expect(lines[2]).toMatch(/^ {2}GET +\/users\/:id +full stack +200 +1\.50 ms +0\.40 ms$/);
    expect(lines).toContain('  POST /orders: answered 400');
    expect(lines).toContain('  PUT /x/:id: no pipe runs before its handler');
    expect(lines.slice(-4)).toEqual([
      '  warmupRequests: [',
      `    { method: 'POST', url: "/orders", body: {} },`,
      `    { method: 'PUT', url: "/x/1", body: {} },`,
      '  ],',
    ]);
  });
});

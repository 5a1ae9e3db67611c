import { loadSettings, type ServedApp, type UserConfig, type WarmupRequest } from '@tsunicorn/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdapter } from '../src/index.js';
import { build, type ExampleStats, exampleDir, importExample, send, serveApp, warmApp } from './helpers.js';

const HITS = 3;

/** The example config's warm-up requests, checked and normalised by the core's settings. */
async function exampleWarmupRequests(): Promise<readonly WarmupRequest[]> {
  const config = (await import(`${exampleDir}tsunicorn.config.js`)) as { default: UserConfig };
  return loadSettings({ warmupRequests: config.default.warmupRequests }).warmupRequests;
}

describe('the example app served the way a worker serves it', () => {
  let app: ServedApp | null = null;
  let front: { close: () => Promise<void> } | null = null;

  afterEach(async () => {
    await front?.close();
    front = app = null;
  });

  // First in this file: no other test may have loaded EJS, the report module or iconv-lite.
  it('reaches every warmed handler and loads the lazy modules before the first real request', async () => {
    const { createApp, snapshot } = await importExample();
    expect(snapshot().loaded).toEqual({ report: false, ejs: false, iconvEncodings: false });

    const configured = await exampleWarmupRequests();
    // Built and warmed with the same settings, as in a worker: a configured request runs its handler.
    const config = { warmupRequests: configured, warmupHits: HITS };
    app = await build(
      createAdapter(() => createApp()),
      config,
    );
    // warmupStrict (the default) fails the warm-up on a 5xx or an unexpected status.
    const summary = await warmApp(app, config);
    expect(summary.failed).toBe(0);

    const served = await serveApp(app);
    front = served;
    const first = await send(served.port, { url: '/__stats' });
    const stats = JSON.parse(first.body) as ExampleStats;

    expect(stats.loaded).toEqual({ report: true, ejs: true, iconvEncodings: true });
    for (const route of ['GET /', 'GET /page', 'GET /report', 'GET /api/users', 'GET /api/admin/config']) {
      expect(stats.routes[route], route).toEqual({ served: HITS, warmup: HITS });
    }
    for (const route of ['GET /hello/:name', 'GET /report/:year', 'GET /api/users/:id', 'POST /api/users', 'POST /echo', 'POST /contact']) {
      expect(stats.routes[route], route).toEqual({ served: HITS, warmup: HITS });
    }
    // The body-parser probes reached the parsers and the 404 handler, no route handler.
    expect(stats.routes['POST (unmatched)']).toEqual({ served: 2 * HITS, warmup: 2 * HITS });
    // Warm-up requests stored nothing: the user list is the seeded one.
    const users = JSON.parse((await send(served.port, { url: '/api/users' })).body) as unknown[];
    expect(users).toHaveLength(3);
  });

  it('answers each request of the example config with the status it expects', async () => {
    const { createApp } = await importExample();
    const configured = await exampleWarmupRequests();
    const config = { warmupRequests: configured, warmupHits: 1 };
    app = await build(createAdapter(createApp()), config);
    // With warmupStrict (the default), an answer with another status than expected fails the warm-up.
    const summary = await warmApp(app, config);
    expect(summary).toMatchObject({ failed: 0, hits: summary.requests });
    expect(summary.requests).toBeGreaterThanOrEqual(configured.length);
  });

  it('serves handed-over connections after the private listener is closed', async () => {
    const { createApp } = await importExample();
    app = await build(createAdapter(createApp()));
    await warmApp(app, { warmupHits: 1 });
    const served = await serveApp(app);
    front = served;
    const answer = await send(served.port, { method: 'POST', url: '/api/users', body: { name: 'Edsger', email: 'ed@example.com' } });
    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.body)).toMatchObject({ id: 4, name: 'Edsger' });
  });
});

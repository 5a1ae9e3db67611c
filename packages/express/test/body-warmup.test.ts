import type { ServedApp } from '@tsunicorn/core';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdapter } from '../src/index.js';
import { build, warmApp } from './helpers.js';

describe('body-parser warm-up', () => {
  let served: ServedApp | null = null;

  afterEach(() => {
    served?.server.closeAllConnections();
    served = null;
  });

  it('posts a body to each body parser used as middleware, under the path it is mounted at', async () => {
    const app = express();
    const api = express.Router();
    app.use(express.urlencoded());
    api.use(express.json());
    api.use('/text', express.text());
    app.use('/api', api);
    served = await build(createAdapter(app));
    expect(served.warmupRequests?.()).toEqual([
      {
        method: 'POST',
        url: '/__tsunicorn/warmup-body/urlencoded',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'tsunicorn=warm-up',
      },
      {
        method: 'POST',
        url: '/api/__tsunicorn/warmup-body/json',
        headers: { 'content-type': 'application/json' },
        body: '{"tsunicorn":"warm-up"}',
      },
      {
        method: 'POST',
        url: '/api/text/__tsunicorn/warmup-body/text',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: 'tsunicorn warm-up',
      },
    ]);
  });

  it('sends no body where the app has no body parser middleware', async () => {
    const app = express();
    app.post('/items', express.json(), (_req, res) => void res.end());
    served = await build(createAdapter(app));
    expect(served.warmupRequests?.()).toEqual([]);
  });

  it('sends no body to a path a POST route with parameters would take', async () => {
    const app = express();
    app.use(express.json());
    app.post('/:collection/:action/:id', (_req, res) => void res.status(201).end());
    served = await build(createAdapter(app));
    expect(served.warmupRequests?.()).toEqual([]);
  });

  it('reaches the parser and no route handler', async () => {
    const app = express();
    const parsed: unknown[] = [];
    const handled: string[] = [];
    app.use(express.json());
    app.use((req, _res, next) => {
      if (req.body !== undefined) parsed.push(req.body);
      next();
    });
    app.post('/items', (req, res) => {
      handled.push(req.url);
      res.status(201).end();
    });
    // Route warm-up off: only the parser probe is sent.
    served = await build(createAdapter(app), { warmupRoutes: false });
    // The probe expects 404 (no route matches it); warmupStrict fails the warm-up on any other answer.
    expect(await warmApp(served, { warmupHits: 2, warmupRoutes: false })).toMatchObject({ requests: 1, hits: 2, failed: 0 });
    expect(parsed).toEqual([{ tsunicorn: 'warm-up' }, { tsunicorn: 'warm-up' }]);
    expect(handled).toEqual([]);
  });

  it('is off with bodyWarmup: false', async () => {
    const app = express();
    app.use(express.json());
    served = await build(createAdapter(app, { bodyWarmup: false }));
    expect(served.warmupRequests?.()).toEqual([]);
  });
});

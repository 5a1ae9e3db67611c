import { afterEach, describe, expect, it } from 'vitest';
import { get } from './helpers/http.js';
import { EXAMPLES, FIXTURES, start, stopAll } from './helpers/server.js';

afterEach(stopAll);

interface Counter {
  served?: number;
  hits?: number;
  warmup: number;
}

/**
 * Reads an example's `/__stats` on a fresh connection: the first real request this worker
 * answers. Every route other than /__stats itself must have been reached by warm-up
 * requests only.
 */
async function firstRealStats(port: number) {
  const reply = await get(port, '/__stats');
  expect(reply.status).toBe(200);
  const body = JSON.parse(reply.body) as { pid: number; routes?: Record<string, Counter>; handlers?: Record<string, Counter> };
  const counters = Object.entries(body.routes ?? body.handlers ?? {}).filter(([name]) => !/stats/i.test(name));
  return { pid: body.pid, counters };
}

const apps = [
  { name: 'express', dir: 'express', cli: 'app.js', script: 'server.js', minRoutes: 25, closeLog: null },
  { name: 'fastify', dir: 'fastify', cli: 'app.js', script: 'server.js', minRoutes: 20, closeLog: /onClose, store closed/ },
  { name: 'nest', dir: 'nest', cli: 'dist/app.js:createApp', script: 'dist/main.js', minRoutes: 15, closeLog: null },
] as const;

describe.each(apps)('the $name example', (app) => {
  const cwd = `${EXAMPLES}/${app.dir}`;

  it.each([
    ['tsunicorn APP', { args: [app.cli, '-w', '2', '-b', '127.0.0.1:0'], cwd }],
    [
      'the drop-in listen()',
      { script: `${cwd}/${app.script}`, args: [], cwd, env: { TSUNICORN_BIND: '127.0.0.1:0', TSUNICORN_WORKERS: '2' } },
    ],
  ])('is served warm through %s: warm-up reached every handler before the first real request', async (_how, options) => {
    const server = start(options);
    const port = await server.ready(45_000);
    expect(server.log).toMatch(new RegExp(`loaded the app \\((${app.name}|factory)`));
    const { pid, counters } = await firstRealStats(port);
    expect(server.workerPids).toContain(pid);
    expect(counters.length).toBeGreaterThanOrEqual(app.minRoutes);
    for (const [route, counter] of counters) {
      expect({ route, warmup: counter.warmup > 0 }).toEqual({ route, warmup: true });
      expect({ route, real: (counter.served ?? counter.hits)! - counter.warmup }).toEqual({ route, real: 0 });
    }
    server.signal('SIGTERM');
    expect(await server.waitForExit()).toBe(0);
    if (app.closeLog) expect(server.log.match(new RegExp(app.closeLog.source, 'g'))?.length).toBe(2);
  });
});

describe('warm-up failures', () => {
  it('fail the boot with a message naming the request', async () => {
    const server = start({
      args: ['app.js', '-w', '2', '-b', '127.0.0.1:0', '-c', `${FIXTURES}/bad-warmup.config.js`],
      cwd: `${EXAMPLES}/express`,
    });
    expect(await server.waitForExit()).toBe(3);
    expect(server.log).toContain('warm-up request GET /definitely-missing failed: answered 404 (expected 200)');
    expect(server.log).toContain('Worker failed to boot (exit code 3): ');
  });

  it('are logged as warnings and let the worker boot when warmupStrict is off', async () => {
    const server = start({
      args: ['app.js', '-w', '1', '-b', '127.0.0.1:0', '-c', `${FIXTURES}/bad-warmup.config.js`, '--no-warmup-strict'],
      cwd: `${EXAMPLES}/express`,
    });
    await server.ready();
    expect(server.log).toMatch(
      /WARNING\] \[worker 1, gen 1\] Warm-up request GET \/definitely-missing failed: answered 404 \(expected 200\)/,
    );
    expect(server.log).toMatch(/Warm-up: \d+ requests, \d+ hits.*, 1 failed/);
  });
});

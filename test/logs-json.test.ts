import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { get } from './helpers/http.js';
import { FIXTURES, start, stopAll, until } from './helpers/server.js';
import { tempDir } from './helpers/temp.js';

afterEach(stopAll);

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '').split('\n').filter((l) => l !== '');

describe('--log-format json', () => {
  it('writes every error and access log line as one JSON object with pino’s fields, and loses none at a quick stop', async () => {
    const dir = tempDir('tsu-json-');
    const errorLog = join(dir, 'error.log');
    const accessLog = join(dir, 'access.log');
    const server = start({
      args: [
        `${FIXTURES}/slow-boot-app.js`,
        '-w',
        '2',
        '-b',
        '127.0.0.1:0',
        '--log-format',
        'json',
        '--error-logfile',
        errorLog,
        '--access-logfile',
        accessLog,
      ],
    });
    await until(() => lines(errorLog).some((l) => l.includes('"msg":"Ready: 2 worker(s)')), 20_000, 'ready in the error log');
    const port = Number(/Listening at: 127\.0\.0\.1:(\d+)/.exec(readFileSync(errorLog, 'utf8'))![1]);
    for (let i = 0; i < 50; i++) await get(port, `/item/${i}?q=${i}`, { headers: { 'user-agent': 'tsu-json' } });
    // INT: the workers exit at once; the access lines buffered in them must still be written.
    server.signal('SIGINT');
    expect(await server.waitForExit()).toBe(0);

    const errors = lines(errorLog).map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const entry of errors) {
      expect(Object.keys(entry).slice(0, 3)).toEqual(['level', 'time', 'pid']);
      expect(entry.msg).toEqual(expect.any(String));
      expect([20, 30, 40, 50, 60]).toContain(entry.level);
      expect(entry.time).toEqual(expect.any(Number));
    }
    const fromWorkers = errors.filter((e) => e.worker !== undefined);
    expect(fromWorkers.length).toBeGreaterThan(0);
    expect(fromWorkers.every((e) => [1, 2].includes(e.worker as number) && e.generation === 1)).toBe(true);
    expect(errors.some((e) => e.msg === 'Shutting down: Master')).toBe(true);

    const access = lines(accessLog).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(access).toHaveLength(50);
    expect(access[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      generation: 1,
      remoteAddress: '127.0.0.1',
      statusCode: 200,
      userAgent: 'tsu-json',
      request: 'GET /item/0?q=0 HTTP/1.1',
    });
    expect(new Set(access.map((a) => a.request))).toEqual(new Set(Array.from({ length: 50 }, (_, i) => `GET /item/${i}?q=${i} HTTP/1.1`)));
    expect(
      access.every((a) => typeof a.responseTime === 'number' && typeof a.pid === 'number' && [1, 2].includes(a.worker as number)),
    ).toBe(true);
  });
});

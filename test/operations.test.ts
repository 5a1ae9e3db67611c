import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { failures, get, getJson, startLoad } from './helpers/http.js';
import { EXAMPLES, FIXTURES, isAlive, start, stopAll, until } from './helpers/server.js';
import { tempDir } from './helpers/temp.js';

afterEach(stopAll);

describe('boot timeout', () => {
  it('aborts a worker that does not boot within boot-timeout and exits 3', async () => {
    const server = start({ args: [`${FIXTURES}/boot-hangs.js`, '-w', '1', '-b', '127.0.0.1:0', '--boot-timeout', '1'] });
    expect(await server.waitForExit()).toBe(3);
    expect(server.log).toMatch(/Worker 1 \(pid: \d+\) did not boot within 1s \(boot-timeout\); aborting it/);
    expect(server.log).toContain('Worker failed to boot (exit code 3): ');
  });
});

describe('a slot that keeps crashing', () => {
  it('is retried with backoff and reported loudly while the healthy worker keeps serving', async () => {
    const flag = join(tempDir('tsu-ops-'), 'crash');
    const server = start({ args: [`${FIXTURES}/crashy-app.js`, '-w', '2', '-b', '127.0.0.1:0'], env: { CRASH_FLAG: flag } });
    const port = await server.ready();
    const [, second] = server.workerPids;
    writeFileSync(flag, '');
    process.kill(second!, 'SIGKILL');
    // A connection handed over in the instant before the master sees the kill dies with the
    // worker, as in any pre-fork server: send requests once the master has reaped it.
    await server.waitForLog(new RegExp(`\\(pid: ${second}, gen 1\\) was sent SIGKILL`));
    const answers = [];
    while (!/keeps crashing/.test(server.log) && answers.length < 400) answers.push(await get(port, '/'));
    await server.waitForLog(
      /CRITICAL\] Worker slot 2 keeps crashing: 5 times in a row; next try in 4s\. The other workers keep serving\./,
      20_000,
    );
    expect(answers.every((a) => a.status === 200 && JSON.parse(a.body).worker === '1')).toBe(true);
    expect(server.log).toMatch(/Worker slot 2 crashed 2 times in a row; next try in 0.5s/);
    expect(server.exitCode).toBeNull();
  });
});

describe('max-memory', () => {
  it('replaces a worker whose RSS grows past the limit, warm and without failing a request', async () => {
    const server = start({
      args: [`${FIXTURES}/growing-app.js`, '-w', '1', '-b', '127.0.0.1:0', '--max-memory', '200MB', '--timeout', '4'],
    });
    const port = await server.ready();
    const [first] = server.workerPids;
    const load = startLoad(port, { connections: 4, maxRequests: 50_000 });
    for (let i = 0; i < 20 && !/over max-memory/.test(server.log); i++) await get(port, '/grow');
    await server.waitForLog(/Worker 1 asks to be replaced: RSS \d+MB is over max-memory 200MB/, 10_000);
    await server.waitForLog(new RegExp(`Retiring worker 1 \\(pid: ${first}, gen 1\\): RSS`), 15_000);
    await until(() => !isAlive(first!), 15_000, 'the grown worker to exit');
    const result = await load.stop();
    expect(failures(result)).toBe(0);
    expect((await getJson<{ kept: number }>(port, '/')).kept).toBe(0);
  });
});

describe('logs', () => {
  it('writes the access log in the configured format and reopens both logs on USR1', async () => {
    const dir = tempDir('tsu-ops-');
    const errorLog = join(dir, 'error.log');
    const accessLog = join(dir, 'access.log');
    const server = start({
      args: [`${FIXTURES}/slow-app.js`, '-w', '2', '-b', '127.0.0.1:0', '--error-logfile', errorLog, '--access-logfile', accessLog],
    });
    const port = await (async () => {
      await until(() => existsSync(errorLog) && /Ready: 2 worker/.test(readFileSync(errorLog, 'utf8')), 20_000, 'ready in the error log');
      return Number(/Listening at: 127\.0\.0\.1:(\d+)/.exec(readFileSync(errorLog, 'utf8'))![1]);
    })();
    await get(port, '/hello?x=1', { headers: { 'user-agent': 'tsu-test', referer: 'http://ref.example/' } });
    await until(() => readFileSync(accessLog, 'utf8').includes('/hello'), 5_000, 'the access log line');
    expect(readFileSync(accessLog, 'utf8')).toMatch(
      /^127\.0\.0\.1 - - \[\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "GET \/hello\?x=1 HTTP\/1\.1" 200 - "http:\/\/ref\.example\/" "tsu-test" \d+ms$/m,
    );
    renameSync(errorLog, `${errorLog}.1`);
    renameSync(accessLog, `${accessLog}.1`);
    server.signal('SIGUSR1');
    await until(() => existsSync(errorLog) && readFileSync(errorLog, 'utf8').includes('Reopened the log files'), 10_000, 'a new error log');
    expect(readFileSync(`${errorLog}.1`, 'utf8')).toContain('Handling signal: usr1');
    await until(
      async () => {
        await get(port, '/after-rotate');
        return existsSync(accessLog) && readFileSync(accessLog, 'utf8').includes('/after-rotate');
      },
      10_000,
      'the access log to be reopened',
    );
    expect(readFileSync(`${accessLog}.1`, 'utf8')).not.toContain('/after-rotate');
  });
});

describe('process files and sockets', () => {
  it('writes the pidfile while running and removes it after a clean stop', async () => {
    const pidfile = join(tempDir('tsu-ops-'), 'app.pid');
    const server = start({ args: [`${FIXTURES}/slow-app.js`, '-w', '1', '-b', '127.0.0.1:0', '--pidfile', pidfile] });
    await server.ready();
    expect(readFileSync(pidfile, 'utf8').trim()).toBe(String(server.pid));
    server.signal('SIGTERM');
    expect(await server.waitForExit()).toBe(0);
    expect(existsSync(pidfile)).toBe(false);
  });

  it('serves on a Unix socket and removes a stale socket file left by a dead server', async () => {
    const path = join(tempDir('tsu-ops-'), 'app.sock');
    writeFileSync(path, '');
    const server = start({ args: [`${FIXTURES}/slow-app.js`, '-w', '1', '-b', `unix:${path}`] });
    await server.waitForLog(/Ready: 1 worker/);
    const body = await new Promise<string>((resolve, reject) => {
      request({ socketPath: path, path: '/' }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve(text));
      })
        .on('error', reject)
        .end();
    });
    expect(server.workerPids).toContain(JSON.parse(body).pid);
  });

  it('sets the environment given with -e in the workers', async () => {
    const server = start({ args: [`${FIXTURES}/growing-app.js`, '-w', '1', '-b', '127.0.0.1:0', '-e', 'GREETING=hello=world'] });
    const port = await server.ready();
    expect(await getJson(port, '/env?name=GREETING')).toMatchObject({ value: 'hello=world' });
    expect(await getJson(port, '/env?name=TSUNICORN_WORKER_ID')).toMatchObject({ value: '1' });
  });
});

describe('warm-up requests and per-request features', () => {
  it('neither count for max-requests nor reach the access log', async () => {
    const accessLog = join(tempDir('tsu-ops-'), 'access.log');
    const server = start({
      args: ['app.js', '-w', '1', '-b', '127.0.0.1:0', '--max-requests', '5', '--access-logfile', accessLog],
      cwd: `${EXAMPLES}/express`,
    });
    const port = await server.ready();
    expect(server.log).toMatch(/Warm-up: \d+ requests, [1-9]\d+ hits/);
    expect(server.log).not.toMatch(/asks to be replaced/);
    for (let i = 0; i < 4; i++) await get(port, '/health');
    await until(
      () => existsSync(accessLog) && readFileSync(accessLog, 'utf8').trim().split('\n').length === 4,
      5_000,
      '4 access log lines',
    );
    expect(server.log).not.toMatch(/asks to be replaced/);
    await get(port, '/health');
    await server.waitForLog(/Worker 1 asks to be replaced: served 5 requests \(max-requests\)/);
  });
});

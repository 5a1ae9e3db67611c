import { existsSync, readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { failures, get, getJson, startLoad } from './helpers/http.js';
import { EXAMPLES, FIXTURES, isAlive, start, stopAll, until } from './helpers/server.js';
import { tempDir } from './helpers/temp.js';

const NODE_APP = `${EXAMPLES}/node-http/app.js`;
const SLOW_APP = `${FIXTURES}/slow-app.js`;

afterEach(stopAll);

/** Finds, over new connections, a keep-alive agent bound to each of two workers. */
async function agentsOnTwoWorkers(port: number): Promise<[{ agent: Agent; pid: number }, { agent: Agent; pid: number }]> {
  const first = new Agent({ keepAlive: true, maxSockets: 1 });
  const firstPid = (await getJson<{ pid: number }>(port, '/', first)).pid;
  for (let i = 0; i < 10; i++) {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const pid = (await getJson<{ pid: number }>(port, '/', agent)).pid;
    if (pid !== firstPid)
      return [
        { agent: first, pid: firstPid },
        { agent, pid },
      ];
    agent.destroy();
  }
  throw new Error('connections never reached a second worker');
}

describe('hang detection', () => {
  it('kills a worker whose event loop is blocked past timeout, logs where it was stuck, and replaces it while the other worker serves', async () => {
    const server = start({ args: [NODE_APP, '-w', '2', '-b', '127.0.0.1:0', '--timeout', '4'] });
    const port = await server.ready();
    const [hung, healthy] = await agentsOnTwoWorkers(port);
    const blocked = get(port, '/block?ms=60000', { agent: hung.agent }).catch((err: Error) => err);
    const during = [];
    for (let i = 0; i < 40 && !/WORKER TIMEOUT/.test(server.log); i++) {
      during.push(await get(port, '/', { agent: healthy.agent }));
    }
    await server.waitForLog(/WORKER TIMEOUT/, 15_000);
    expect(server.log).toMatch(
      new RegExp(
        `WORKER TIMEOUT: worker \\d \\(pid: ${hung.pid}\\) event loop silent for [\\d.]+s \\(timeout 4s\\), stuck in:\\n\\s+at blockEventLoop \\(file://.*node-http/app\\.js:\\d+:\\d+\\)`,
      ),
    );
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((r) => r.status === 200 && JSON.parse(r.body).pid === healthy.pid)).toBe(true);
    expect(await blocked).toBeInstanceOf(Error);
    await server.waitForLog(/ready in \d+ ms/, 15_000, 3);
    await until(() => !isAlive(hung.pid), 5_000, 'the hung worker to be gone');
    const pids = new Set<number>();
    for (let i = 0; i < 6; i++) pids.add((await getJson<{ pid: number }>(port, '/')).pid);
    expect(pids.has(hung.pid)).toBe(false);
    expect(pids.size).toBe(2);
    hung.agent.destroy();
    healthy.agent.destroy();
  });
});

describe('boot failures', () => {
  it('stops everything and exits 3 when a worker fails to boot at first start, without a respawn loop', async () => {
    const server = start({ args: [`${FIXTURES}/boot-throws.js`, '-w', '2', '-b', '127.0.0.1:0'] });
    expect(await server.waitForExit()).toBe(3);
    expect(server.log).toContain('Worker failed to boot (exit code 3): ');
    expect(server.log).toContain('cannot connect to the cache (from boot-throws.js)');
    expect(server.workerPids.length).toBe(2);
  });

  it('with --preload, fails in the master with exit 4 before any worker is spawned', async () => {
    const server = start({ args: [`${FIXTURES}/throws-on-import.js`, '-w', '2', '-b', '127.0.0.1:0', '--preload'] });
    expect(await server.waitForExit()).toBe(4);
    expect(server.log).toContain('App failed to load');
    expect(server.workerPids).toEqual([]);
  });
});

describe('crash replacement', () => {
  it('replaces a worker that throws, saying how it died, while the other keeps serving', async () => {
    const server = start({ args: [NODE_APP, '-w', '2', '-b', '127.0.0.1:0'] });
    const port = await server.ready();
    const [doomed, healthy] = await agentsOnTwoWorkers(port);
    await get(port, '/crash', { agent: doomed.agent });
    await server.waitForLog(new RegExp(`\\(pid: ${doomed.pid}, gen 1\\) exited with code 1`));
    expect((await getJson<{ pid: number }>(port, '/', healthy.agent)).pid).toBe(healthy.pid);
    await server.waitForLog(/ready in \d+ ms/, 15_000, 3);
    doomed.agent.destroy();
    healthy.agent.destroy();
  });

  it('says "Perhaps out of memory?" when a worker is SIGKILLed from outside', async () => {
    const server = start({ args: [NODE_APP, '-w', '1', '-b', '127.0.0.1:0'] });
    await server.ready();
    const [pid] = server.workerPids;
    process.kill(pid!, 'SIGKILL');
    await server.waitForLog(new RegExp(`\\(pid: ${pid}, gen 1\\) was sent SIGKILL! Perhaps out of memory\\?`));
    await server.waitForLog(/ready in \d+ ms/, 15_000, 2);
  });
});

describe('warm recycling', () => {
  it('recycles workers after max-requests under keep-alive load without failing a request', async () => {
    const server = start({
      args: [SLOW_APP, '-w', '2', '-b', '127.0.0.1:0', '--max-requests', '40', '--max-requests-jitter', '10', '--keep-alive', '5'],
    });
    const port = await server.ready();
    const load = startLoad(port, { connections: 8, maxRequests: 20_000 });
    await server.waitForLog(/Retiring worker \d+ \(pid: \d+, gen 1\): served \d+ requests \(max-requests\)/, 60_000, 5);
    const result = await load.stop();
    const recycles = [...server.log.matchAll(/Retiring worker .*\(max-requests\)/g)].length;
    console.log(`max-requests recycle test: ${load.sent} requests, ${failures(result)} failed, ${recycles} recycles`);
    expect(failures(result)).toBe(0);
    expect(result.errors).toEqual([]);
    expect(recycles).toBeGreaterThanOrEqual(5);
    expect(result.pids.size).toBeGreaterThanOrEqual(4);
  });
});

describe('scaling with TTIN and TTOU', () => {
  it('adds a worker on TTIN and removes the oldest on TTOU, never below one', async () => {
    const server = start({ args: [SLOW_APP, '-w', '2', '-b', '127.0.0.1:0'] });
    await server.ready();
    const live = () => server.workerPids.filter(isAlive).length;
    server.signal('SIGTTIN');
    await server.waitForLog(/Workers: 2 -> 3/);
    await server.waitForLog(/ready in \d+ ms/, 15_000, 3);
    await until(() => live() === 3, 5_000, '3 live workers');
    const [oldest] = server.workerPids;
    // Identical signals sent together may merge into one: send each after the last is handled.
    server.signal('SIGTTOU');
    await server.waitForLog(/Workers: 3 -> 2/);
    server.signal('SIGTTOU');
    await server.waitForLog(/Workers: 2 -> 1/);
    server.signal('SIGTTOU');
    await server.waitForLog(/Keeping 1 worker\(s\): never fewer than one/);
    await until(() => live() === 1, 15_000, '1 live worker');
    expect(isAlive(oldest!)).toBe(false);
  });
});

describe('no orphans', () => {
  it('ends every worker within a few seconds when the master is SIGKILLed', async () => {
    const server = start({ args: [SLOW_APP, '-w', '2', '-b', '127.0.0.1:0'] });
    await server.ready();
    const workers = server.workerPids;
    expect(workers.every(isAlive)).toBe(true);
    server.signal('SIGKILL');
    await until(() => workers.every((pid) => !isAlive(pid)), 5_000, 'the workers to exit');
  });
});

describe('hooks', () => {
  it('fires each hook in its process, in order, with the documented arguments', async () => {
    const hookLog = join(tempDir('tsu-hooks-'), 'hooks.jsonl');
    const server = start({
      args: [SLOW_APP, '-w', '1', '-b', '127.0.0.1:0', '-c', `${FIXTURES}/hooks.config.js`],
      env: { HOOK_LOG: hookLog },
    });
    const port = await server.ready();
    // whenReady runs right after the "Ready" line: let it be recorded before the first request.
    await until(() => existsSync(hookLog) && readFileSync(hookLog, 'utf8').includes('"whenReady"'), 5_000, 'whenReady');
    await get(port, '/hello');
    // postRequest runs on the server's 'finish', which may come after the client has the response.
    await until(() => readFileSync(hookLog, 'utf8').includes('"postRequest"'), 5_000, 'postRequest');
    server.signal('SIGTTIN');
    await server.waitForLog(/ready in \d+ ms/, 15_000, 2);
    server.signal('SIGTERM');
    expect(await server.waitForExit()).toBe(0);

    const calls = readFileSync(hookLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { hook: string; pid: number; args: unknown[] });
    const names = calls.map((c) => c.hook);
    const master = server.pid;
    const [firstWorker] = server.workerPids;
    const expectedOrder = [
      'onStarting',
      'preFork',
      'postFork',
      'postWorkerInit',
      'whenReady',
      'preRequest',
      'postRequest',
      'nworkersChanged',
      'workerExit',
      'childExit',
      'onExit',
      'onExit2',
    ];
    const firstCalls = names.filter((name, i) => expectedOrder.includes(name) && names.indexOf(name) === i);
    expect(firstCalls).toEqual(expectedOrder);
    const byHook = (h: string) => calls.find((c) => c.hook === h)!;
    expect(byHook('onStarting').pid).toBe(master);
    expect(byHook('preFork')).toMatchObject({ pid: master, args: [{ pid: master }, { id: 1, pid: 0, generation: 1 }] });
    expect(byHook('postFork')).toMatchObject({ pid: firstWorker, args: [{ id: 1, pid: firstWorker, generation: 1 }] });
    expect(byHook('postWorkerInit').pid).toBe(firstWorker);
    expect(byHook('whenReady')).toMatchObject({ pid: master, args: [{ readyWorkers: 1 }] });
    expect(byHook('preRequest')).toMatchObject({ pid: firstWorker, args: [{ id: 1 }, '/hello'] });
    expect(byHook('postRequest')).toMatchObject({ pid: firstWorker, args: [{ id: 1 }, '/hello', 200] });
    expect(byHook('nworkersChanged')).toMatchObject({ pid: master, args: [{}, 2, 1] });
    expect(byHook('childExit')).toMatchObject({ pid: master, args: [{}, { exitCode: 0, reason: 'retired' }] });
    expect(
      calls
        .filter((c) => c.hook === 'workerExit')
        .map((c) => c.pid)
        .sort(),
    ).toEqual([...server.workerPids].sort());
  });
});

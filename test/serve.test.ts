import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { get, getJson } from './helpers/http.js';
import { EXAMPLES, FIXTURES, isAlive, start, stopAll, until } from './helpers/server.js';

const APP = `${EXAMPLES}/node-http/app.js`;
const SLOW_APP = `${FIXTURES}/slow-app.js`;

afterEach(stopAll);

describe('tsunicorn serving with workers', () => {
  it('answers requests from two distinct worker pids', async () => {
    const server = start({ args: [APP, '-w', '2', '-b', '127.0.0.1:0'] });
    const port = await server.ready();
    const pids = new Set<number>();
    for (let i = 0; i < 6; i++) pids.add((await getJson<{ pid: number }>(port, '/')).pid);
    expect(pids.size).toBe(2);
    expect([...pids].sort()).toEqual([...server.workerPids].sort());
    expect(pids.has(server.pid)).toBe(false);
  });

  it('finishes a request in flight when TERM arrives, then exits 0', async () => {
    const server = start({ args: [SLOW_APP, '-w', '2', '-b', '127.0.0.1:0'] });
    const port = await server.ready();
    const slow = get(port, '/slow?ms=2000');
    await server.waitForLog(/slow request started in \d+/, 5_000);
    server.signal('SIGTERM');
    const reply = await slow;
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ slept: 2000 });
    expect(await server.waitForExit()).toBe(0);
    expect(server.log).toMatch(/Handling signal: term/);
    expect(server.log).toMatch(/Shutting down: Master/);
  });

  it('refuses new connections once the listeners are closed by TERM', async () => {
    const server = start({ args: [APP, '-w', '1', '-b', '127.0.0.1:0'] });
    const port = await server.ready();
    server.signal('SIGTERM');
    expect(await server.waitForExit()).toBe(0);
    await expect(get(port, '/')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('tsunicorn quick stop and information commands', () => {
  it('stops at once on INT, ending every worker, and exits 0', async () => {
    const server = start({ args: [SLOW_APP, '-w', '2', '-b', '127.0.0.1:0'] });
    await server.ready();
    const workers = server.workerPids;
    server.signal('SIGINT');
    expect(await server.waitForExit()).toBe(0);
    expect(server.log).toMatch(/Handling signal: int/);
    await until(() => workers.every((pid) => !isAlive(pid)), 5_000, 'the workers to exit');
  });

  it('prints help grouped by section, the version, and the resolved config', async () => {
    const help = start({ args: ['--help'] });
    expect(await help.waitForExit()).toBe(0);
    expect(help.log).toMatch(/^Usage: tsunicorn \[options\] APP/);
    for (const section of ['Server socket:', 'Worker processes:', 'Timeouts:', 'Warm-up:', 'Reload and stop:', 'Logging:']) {
      expect(help.log).toContain(section);
    }
    expect(help.log).toMatch(/-w, --workers INT\s+Number of worker processes/);
    const version = start({ args: ['--version'] });
    expect(await version.waitForExit()).toBe(0);
    expect(version.log).toMatch(/^tsunicorn \d+\.\d+\.\d+ \(Node v\d+/);
    const printed = start({ args: ['--print-config', APP, '-w', '3', '-b', '[::1]:9000'], env: { TSUNICORN_TIMEOUT: '12' } });
    expect(await printed.waitForExit()).toBe(0);
    expect(printed.log).toMatch(/^workers\s+= 3$/m);
    expect(printed.log).toMatch(/^timeout\s+= 12$/m);
    expect(printed.log).toMatch(/^bind\s+= \["\[::1\]:9000"\]$/m);
  });
});

describe('tsunicorn start-up errors', () => {
  it('exits 5 naming the address when the bind address is in use, before spawning a worker', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const server = start({ args: [APP, '-w', '2', '-b', `127.0.0.1:${port}`] });
      expect(await server.waitForExit()).toBe(5);
      expect(server.log).toContain(`bind address 127.0.0.1:${port} is already in use`);
      expect(server.log).toContain('TSU_ERR_BIND');
      expect(server.workerPids).toEqual([]);
    } finally {
      blocker.close();
    }
  });

  it('exits 2 naming the setting when a value is invalid, before spawning a worker', async () => {
    const server = start({ args: [APP, '-w', 'many', '-b', '127.0.0.1:0'] });
    expect(await server.waitForExit()).toBe(2);
    expect(server.log).toContain('invalid value for setting "workers" (--workers) from the command line: "many" is not a number');
    expect(server.workerPids).toEqual([]);
  });

  it('suggests the nearest option for a misspelt flag', async () => {
    const server = start({ args: [APP, '--worker', '2'] });
    expect(await server.waitForExit()).toBe(2);
    expect(server.log).toContain('unknown option --worker (did you mean --workers?)');
  });

  it('--check-config exits 0 for a valid config and 2 naming a bad value', async () => {
    const ok = start({ args: ['--check-config', APP, '-w', '3'] });
    expect(await ok.waitForExit()).toBe(0);
    expect(ok.log).toMatch(/Config OK/);
    const bad = start({ args: ['--check-config', APP, '--timeout=-1'] });
    expect(await bad.waitForExit()).toBe(2);
    expect(bad.log).toContain('invalid value for setting "timeout" (--timeout)');
  });

  it('exits 4 with the stack when the app cannot be imported', async () => {
    const server = start({ args: [`${FIXTURES}/throws-on-import.js`, '-w', '2', '-b', '127.0.0.1:0'] });
    expect(await server.waitForExit()).toBe(4);
    expect(server.log).toContain('App failed to load');
    expect(server.log).toContain('database is not reachable');
    expect(server.log).toMatch(/at .*throws-on-import\.js/);
  });
});

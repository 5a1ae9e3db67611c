/**
 * Dispatch modes: how connections reach workers. Each mode that claims zero failed requests
 * across reloads and recycles is held to it here, under keep-alive and under
 * connection-per-request load; docs/dispatch.md says what each guarantees.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { failures, getJson, startLoad } from './helpers/http.js';
import { FIXTURES, isAlive, type RunningServer, start, stopAll, until } from './helpers/server.js';

const APP = `${FIXTURES}/slow-app.js`;

afterEach(stopAll);

function generationPids(server: RunningServer, generation: number): number[] {
  return [...server.log.matchAll(new RegExp(`Booting worker with pid: (\\d+) \\(worker \\d+, gen ${generation}\\)`, 'g'))].map((m) =>
    Number(m[1]),
  );
}

/** Both kinds of load at once: keep-alive clients and clients that open a connection per request. */
function mixedLoad(port: number) {
  const loads = [
    startLoad(port, { connections: 8, maxRequests: 100_000 }),
    startLoad(port, { connections: 8, maxRequests: 20_000, keepAlive: false }),
  ];
  return {
    get sent() {
      return loads.reduce((n, l) => n + l.sent, 0);
    },
    async stop() {
      return Promise.all(loads.map((l) => l.stop()));
    },
  };
}

describe.each(['master', 'shared'] as const)('dispatch %s', (mode) => {
  it('reloads twice under keep-alive and connection-per-request load without failing a request', async () => {
    const server = start({ args: [APP, '-w', '2', '-b', '127.0.0.1:0', '--dispatch', mode] });
    const port = await server.ready();
    const load = mixedLoad(port);
    for (let generation = 2; generation <= 3; generation++) {
      server.signal('SIGHUP');
      await server.waitForLog(new RegExp(`Reload to gen ${generation} complete`), 30_000);
      const old = generationPids(server, generation - 1);
      await until(() => old.every((pid) => !isAlive(pid)), 15_000, `gen ${generation - 1} to exit`);
    }
    const results = await load.stop();
    console.log(`dispatch ${mode}, 2 reloads: ${load.sent} requests, ${results.map(failures).join(' + ')} failed`);
    for (const result of results) {
      expect(result.errors).toEqual([]);
      expect(failures(result)).toBe(0);
      expect(result.success).toBeGreaterThan(0);
    }
    const served = await Promise.all([1, 2, 3, 4].map(() => getJson<{ generation: string }>(port, '/')));
    expect(new Set(served.map((r) => r.generation))).toEqual(new Set(['3']));
  });

  it('recycles workers at max-requests under load without failing a request', async () => {
    const server = start({ args: [APP, '-w', '2', '-b', '127.0.0.1:0', '--dispatch', mode, '--max-requests', '150'] });
    const port = await server.ready();
    const load = mixedLoad(port);
    await server.waitForLog(/Retiring worker \d+ \(pid: \d+, gen \d+\): served \d+ requests \(max-requests\)/, 30_000, 3);
    const results = await load.stop();
    for (const result of results) {
      expect(result.errors).toEqual([]);
      expect(failures(result)).toBe(0);
    }
  });
});

describe('dispatch shared', () => {
  it('lets the workers accept on the socket themselves: the pids that answer are the workers', async () => {
    const server = start({ args: [APP, '-w', '2', '-b', '127.0.0.1:0', '--dispatch', 'shared'] });
    const port = await server.ready();
    const load = startLoad(port, { connections: 8, maxRequests: 2_000, keepAlive: false });
    await until(() => load.sent >= 2_000, 30_000, '2,000 requests');
    const [result] = [await load.stop()];
    expect(failures(result)).toBe(0);
    expect([...result.pids].sort()).toEqual([...server.workerPids].sort());
  });

  it('holds connections in the socket while no worker accepts, and serves them once one does', async () => {
    const server = start({ args: [APP, '-w', '1', '-b', '127.0.0.1:0', '--dispatch', 'shared'] });
    const port = await server.ready();
    const [first] = server.workerPids;
    process.kill(first!, 'SIGKILL');
    await server.waitForLog(/was sent SIGKILL/, 10_000);
    // The only worker is gone; the connection waits in the socket's queue for its replacement.
    const reply = await getJson<{ pid: number }>(port, '/');
    expect(reply.pid).not.toBe(first);
    expect(server.workerPids).toContain(reply.pid);
  });
});

describe('dispatch reuseport', () => {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const supported = major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);

  it.runIf(!supported)('is refused on a Node without listen({ reusePort }), naming the setting', async () => {
    const server = start({ args: [APP, '-w', '1', '-b', '127.0.0.1:0', '--dispatch', 'reuseport'] });
    expect(await server.waitForExit()).toBe(2);
    expect(server.log).toMatch(/invalid value for setting "dispatch" \(--dispatch\): reuseport needs Node >= 22\.12/);
  });

  it.runIf(supported)('serves from every worker, each on a socket of its own, and says what a stop costs', async () => {
    const server = start({ args: [APP, '-w', '2', '-b', '127.0.0.1:0', '--dispatch', 'reuseport'] });
    const port = await server.ready();
    const load = startLoad(port, { connections: 8, maxRequests: 1_000, keepAlive: false });
    await until(() => load.sent >= 1_000, 30_000, '1,000 requests');
    const result = await load.stop();
    expect(failures(result)).toBe(0);
    expect([...result.pids].sort()).toEqual([...server.workerPids].sort());
    const migrates = readFileSync('/proc/sys/net/ipv4/tcp_migrate_req', 'utf8').trim() === '1';
    if (!migrates) expect(server.log).toMatch(/net\.ipv4\.tcp_migrate_req is not 1/);
  });
});

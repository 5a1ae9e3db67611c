import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { failures, getJson, startLoad } from './helpers/http.js';
import { FIXTURES, isAlive, type RunningServer, start, stopAll, until } from './helpers/server.js';
import { tempDir } from './helpers/temp.js';

afterEach(stopAll);

/** A copy of the slow-app fixture in a fresh directory, so a test can change the code on disk. */
function appDir(): string {
  const dir = tempDir('tsu-reload-');
  copyFileSync(`${FIXTURES}/slow-app.js`, join(dir, 'app.js'));
  return dir;
}

/** Pids of the workers booted for one generation. */
function generationPids(server: RunningServer, generation: number): number[] {
  return [...server.log.matchAll(new RegExp(`Booting worker with pid: (\\d+) \\(worker \\d+, gen ${generation}\\)`, 'g'))].map((m) =>
    Number(m[1]),
  );
}

describe('HUP: rolling reload', () => {
  it('replaces every worker five times under keep-alive load without failing a request', async () => {
    const dir = appDir();
    const server = start({ args: ['app.js', '-w', '2', '-b', '127.0.0.1:0'], cwd: dir });
    const port = await server.ready();
    const load = startLoad(port, { connections: 16, maxRequests: 200_000 });
    for (let generation = 2; generation <= 6; generation++) {
      server.signal('SIGHUP');
      await server.waitForLog(new RegExp(`Reload to gen ${generation} complete`), 30_000);
      const old = generationPids(server, generation - 1);
      await until(() => old.every((pid) => !isAlive(pid)), 15_000, `gen ${generation - 1} to exit`);
      expect(generationPids(server, generation)).toHaveLength(2);
    }
    const result = await load.stop();
    console.log(`5 reloads: ${load.sent} requests, ${failures(result)} failed`);
    expect(result.errors).toEqual([]);
    expect(failures(result)).toBe(0);
    const served = new Set(
      (await Promise.all([1, 2, 3, 4].map(() => getJson<{ generation: string }>(port, '/')))).map((r) => r.generation),
    );
    expect(served).toEqual(new Set(['6']));
  });

  it('keeps the old generation serving when the new code throws on import, and reloads once it is fixed', async () => {
    const dir = appDir();
    const server = start({ args: ['app.js', '-w', '2', '-b', '127.0.0.1:0'], cwd: dir });
    const port = await server.ready();
    const firstPids = generationPids(server, 1);
    const load = startLoad(port, { connections: 8, maxRequests: 100_000 });
    writeFileSync(join(dir, 'app.js'), "throw new Error('syntax of the future (broken deploy)');\n");
    server.signal('SIGHUP');
    await server.waitForLog(/Reload to gen 2 failed: .*broken deploy.*The running workers keep serving/s, 30_000);
    const whileBroken = await getJson<{ pid: number }>(port, '/');
    expect(firstPids).toContain(whileBroken.pid);
    expect(firstPids.every(isAlive)).toBe(true);
    copyFileSync(`${FIXTURES}/slow-app.js`, join(dir, 'app.js'));
    server.signal('SIGHUP');
    await server.waitForLog(/Reload to gen 3 complete/, 30_000);
    const result = await load.stop();
    expect(result.errors).toEqual([]);
    expect(failures(result)).toBe(0);
    expect(server.exitCode).toBeNull();
  });

  it('keeps the old generation serving when the new generation fails its warm-up', async () => {
    const dir = appDir();
    const server = start({ args: ['app.js', '-w', '2', '-b', '127.0.0.1:0'], cwd: dir });
    const port = await server.ready();
    const firstPids = generationPids(server, 1);
    const load = startLoad(port, { connections: 8, maxRequests: 100_000 });
    writeFileSync(join(dir, 'tsunicorn.config.js'), "export default { warmupRequests: [{ url: '/', expectStatus: 204 }] };\n");
    server.signal('SIGHUP');
    await server.waitForLog(/Reload to gen 2 failed: warm-up request GET \/ failed: answered 200 \(expected 204\)/, 30_000);
    const result = await load.stop();
    expect(result.errors).toEqual([]);
    expect(failures(result)).toBe(0);
    expect(firstPids.every(isAlive)).toBe(true);
    expect(result.pids).toEqual(new Set(firstPids));
  });

  it('keeps the worker count set with TTIN across a reload', async () => {
    const server = start({ args: [`${FIXTURES}/slow-app.js`, '-w', '1', '-b', '127.0.0.1:0'] });
    await server.ready();
    server.signal('SIGTTIN');
    await server.waitForLog(/Workers: 1 -> 2/);
    await server.waitForLog(/ready in \d+ ms/, 15_000, 2);
    server.signal('SIGHUP');
    await server.waitForLog(/Reload to gen 2 complete/, 30_000);
    expect(generationPids(server, 2)).toHaveLength(2);
    expect(server.log).toMatch(/Reloading: gen 2, replacing 2 worker\(s\)/);
  });

  it("applies the config's new worker count once the reload is complete, and keeps the running bind", async () => {
    // No package.json above the temporary directory: the .js config is an ES module by its syntax,
    // which Node 20.19+ and 22.12+ load through require() and keep in the ES module cache.
    const dir = appDir();
    const config = join(dir, 'tsunicorn.config.js');
    writeFileSync(config, "export default { bind: '127.0.0.1:0', workers: 1 };\n");
    const server = start({ args: ['app.js'], cwd: dir });
    const port = await server.ready();
    writeFileSync(config, "export default { bind: '127.0.0.1:1', workers: 2 };\n");
    server.signal('SIGHUP');
    await server.waitForLog(/Reload keeps the running bind \(--bind\): read when the master starts/);
    await server.waitForLog(/Reload to gen 2 complete/, 30_000);
    await server.waitForLog(/Workers: 1 -> 2/);
    await until(() => generationPids(server, 2).length === 2, 30_000, 'a second worker of gen 2');
    await server.waitForLog(/ready in \d+ ms/, 30_000, 3);
    expect(generationPids(server, 2).every(isAlive)).toBe(true);
    expect((await getJson(port, '/')).generation).toBe('2');
    expect(server.log).not.toMatch(/127\.0\.0\.1:1\b/);
  });

  it('refuses a reload whose new access log cannot be written, naming the setting', async () => {
    const dir = appDir();
    const server = start({ args: ['app.js', '-w', '1', '-b', '127.0.0.1:0'], cwd: dir });
    await server.ready();
    writeFileSync(
      join(dir, 'tsunicorn.config.js'),
      `export default { accessLogfile: ${JSON.stringify(join(dir, 'missing', 'access.log'))} };\n`,
    );
    server.signal('SIGHUP');
    await server.waitForLog(
      /Reload refused, keeping the current config: invalid value for setting "accessLogfile" \(--access-logfile\): cannot write/,
    );
    expect(server.log).not.toMatch(/Reloading: gen 2/);
  });

  it('rejects a broken config file on HUP and keeps the running config', async () => {
    const dir = appDir();
    const server = start({ args: ['app.js', '-w', '1', '-b', '127.0.0.1:0'], cwd: dir });
    await server.ready();
    writeFileSync(join(dir, 'tsunicorn.config.js'), 'export default { workerz: 3 };\n');
    server.signal('SIGHUP');
    await server.waitForLog(/Reload refused, keeping the current config: unknown setting "workerz" .*did you mean "workers"/);
    expect(server.workerPids).toHaveLength(1);
  });
});

describe('TERM under load', () => {
  it('completes every request in flight, refuses only after the listeners close, and exits 0', async () => {
    const server = start({ args: [`${FIXTURES}/slow-app.js`, '-w', '2', '-b', '127.0.0.1:0'] });
    const port = await server.ready();
    const load = startLoad(port, { connections: 16, maxRequests: 100_000 });
    await until(() => load.sent > 500, 10_000, 'load to be under way');
    const inFlight = load.sent;
    server.signal('SIGTERM');
    expect(await server.waitForExit()).toBe(0);
    const result = await load.stop();
    // Every request sent before TERM, the ones in flight included, got its full answer.
    expect(result.success).toBeGreaterThanOrEqual(inFlight);
    expect({ reset: result.reset, timeout: result.timeout, non2xx: result.non2xx, other: result.other }).toEqual({
      reset: 0,
      timeout: 0,
      non2xx: 0,
      other: 0,
    });
  });
});

describe('TERM with a shutdown delay', () => {
  it('keeps accepting new connections during the delay, then stops and exits 0', async () => {
    const server = start({ args: [`${FIXTURES}/slow-app.js`, '-w', '1', '-b', '127.0.0.1:0', '--shutdown-delay', '2'] });
    const port = await server.ready();
    server.signal('SIGTERM');
    await server.waitForLog(/Shutdown delay: still accepting for 2s/);
    const during = await getJson<{ pid: number }>(port, '/');
    expect(server.workerPids).toContain(during.pid);
    expect(await server.waitForExit()).toBe(0);
  });
});

describe('USR2: upgrading the master', () => {
  /** Ends a master the test did not start directly (the one USR2 started), by pid. */
  async function stopMaster(pid: number): Promise<void> {
    if (!isAlive(pid)) return;
    process.kill(pid, 'SIGTERM');
    await until(() => !isAlive(pid), 15_000, `master ${pid} to exit`);
  }

  it('hands the sockets to a new master; after WINCH and TERM to the old one, no request has failed', async () => {
    const dir = appDir();
    const server = start({ args: ['app.js', '-w', '2', '-b', '127.0.0.1:0'], cwd: dir });
    const port = await server.ready();
    const oldWorkers = generationPids(server, 1);
    const load = startLoad(port, { connections: 16, maxRequests: 200_000 });
    let newMaster = 0;
    try {
      server.signal('SIGUSR2');
      newMaster = Number((await server.waitForLog(/started a new master \(pid: (\d+)\)/))[1]);
      await server.waitForLog(/Ready: 2 worker\(s\)/, 30_000, 2);
      expect(server.log).toMatch(new RegExp(`\\[${newMaster}\\] \\[INFO\\] Listening at: 127\\.0\\.0\\.1:${port}`));
      server.signal('SIGWINCH');
      await server.waitForLog(/WINCH: stopped accepting and retiring 2 worker\(s\)/);
      await until(() => oldWorkers.every((pid) => !isAlive(pid)), 15_000, 'the old workers to drain');
      server.signal('SIGTERM');
      expect(await server.waitForExit()).toBe(0);
      const after = load.sent;
      await until(() => load.sent > after + 200, 10_000, 'the new master to serve');
      const result = await load.stop();
      console.log(`USR2 switch: ${load.sent} requests, ${failures(result)} failed`);
      expect(result.errors).toEqual([]);
      expect(failures(result)).toBe(0);
      const now = await getJson<{ pid: number }>(port, '/');
      expect(oldWorkers).not.toContain(now.pid);
    } finally {
      await load.stop();
      if (newMaster) await stopMaster(newMaster);
    }
  });

  it('starts the new master where the old one was started, so it finds the same config after chdir', async () => {
    const app = appDir();
    const launch = tempDir('tsu-reload-');
    writeFileSync(
      join(launch, 'tsunicorn.config.js'),
      `export default { chdir: ${JSON.stringify(app)}, workers: 1, procName: 'tsu-usr2-chdir' };\n`,
    );
    const server = start({ args: ['app.js', '-b', '127.0.0.1:0'], cwd: launch });
    await server.ready();
    let newMaster = 0;
    try {
      server.signal('SIGUSR2');
      newMaster = Number((await server.waitForLog(/started a new master \(pid: (\d+)\)/))[1]);
      await server.waitForLog(new RegExp(`\\[${newMaster}\\] \\[INFO\\] Ready: 1 worker\\(s\\)`), 30_000);
      expect(readFileSync(`/proc/${newMaster}/cmdline`, 'utf8')).toContain('tsu-usr2-chdir: master');
    } finally {
      if (newMaster) await stopMaster(newMaster);
    }
  });

  it('keeps the old master serving when the new master fails to boot', async () => {
    const dir = appDir();
    const server = start({ args: ['app.js', '-w', '2', '-b', '127.0.0.1:0'], cwd: dir });
    const port = await server.ready();
    const oldWorkers = generationPids(server, 1);
    writeFileSync(join(dir, 'app.js'), "throw new Error('half-deployed release');\n");
    server.signal('SIGUSR2');
    const newMaster = Number((await server.waitForLog(/started a new master \(pid: (\d+)\)/))[1]);
    await server.waitForLog(new RegExp(`The new master \\(pid: ${newMaster}\\) exited with code 4; this master keeps serving`), 30_000);
    expect(oldWorkers).toContain((await getJson<{ pid: number }>(port, '/')).pid);
  });
});

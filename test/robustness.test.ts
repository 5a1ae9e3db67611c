import { copyFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { get, getJson } from './helpers/http.js';
import { EXAMPLES, FIXTURES, isAlive, start, stopAll, until } from './helpers/server.js';
import { tempDir } from './helpers/temp.js';

afterEach(stopAll);

const SLOW_APP = `${FIXTURES}/slow-app.js`;

describe('bad paths are refused before anything starts', () => {
  it.each([
    ['--access-logfile', 'accessLogfile'],
    ['--error-logfile', 'errorLogfile'],
    ['--pidfile', 'pidfile'],
  ])('%s in a missing directory exits 2 naming the setting', async (flag, name) => {
    const server = start({ args: [SLOW_APP, '-w', '1', '-b', '127.0.0.1:0', flag, '/nonexistent-dir/x/file'] });
    expect(await server.waitForExit()).toBe(2);
    expect(server.log).toContain(`invalid value for setting "${name}" (${flag}): cannot write /nonexistent-dir/x/file (ENOENT)`);
    expect(server.workerPids).toEqual([]);
  });

  it('a --chdir that is not a directory exits 2', async () => {
    const server = start({ args: [SLOW_APP, '-b', '127.0.0.1:0', '--chdir', SLOW_APP] });
    expect(await server.waitForExit()).toBe(2);
    expect(server.log).toContain('invalid value for setting "chdir" (--chdir)');
  });

  it('a missing APP module exits 4 naming the path, before binding or spawning', async () => {
    const server = start({ args: ['./no-such-app.js', '-w', '2', '-b', '127.0.0.1:0'] });
    expect(await server.waitForExit()).toBe(4);
    expect(server.log).toMatch(/App module .*no-such-app\.js does not exist/);
    expect(server.log).not.toMatch(/Listening at/);
    expect(server.workerPids).toEqual([]);
  });
});

describe('boot failures', () => {
  it('a worker that fails to boot exits with code 3, not through the drain path', async () => {
    const server = start({ args: [`${FIXTURES}/boot-throws.js`, '-w', '1', '-b', '127.0.0.1:0'] });
    expect(await server.waitForExit()).toBe(3);
    expect(server.log).toMatch(/exited with code 3 before it was ready/);
    expect(server.log).not.toMatch(/draining/);
    expect(server.log).toMatch(/CRITICAL\] Worker failed to boot \(exit code 3\): cannot connect to the cache/);
  });
});

describe('a config file edited after start', () => {
  it('does not break respawns while a HUP refuses it', async () => {
    const dir = tempDir('tsu-robust-');
    copyFileSync(SLOW_APP, join(dir, 'app.js'));
    const server = start({ args: ['app.js', '-w', '1', '-b', '127.0.0.1:0'], cwd: dir });
    const port = await server.ready();
    writeFileSync(join(dir, 'tsunicorn.config.js'), 'export default { workerz: 2 };\n');
    server.signal('SIGHUP');
    await server.waitForLog(/Reload refused/);
    const [first] = server.workerPids;
    process.kill(first!, 'SIGKILL');
    await server.waitForLog(/ready in \d+ ms/, 15_000, 2);
    expect((await getJson<{ pid: number }>(port, '/')).pid).not.toBe(first);
  });
});

describe('signals at awkward moments', () => {
  it('handles HUP, TTIN and TERM sent back to back one at a time, each finished before the next starts', async () => {
    // A config file makes the HUP's re-read real I/O, during which a second action could start.
    const dir = tempDir('tsu-signals-');
    writeFileSync(join(dir, 'tsunicorn.config.js'), 'export default { workers: 2 };\n');
    const server = start({ args: [SLOW_APP, '-c', join(dir, 'tsunicorn.config.js'), '-b', '127.0.0.1:0'] });
    await server.ready();
    server.signal('SIGHUP');
    server.signal('SIGTTIN');
    server.signal('SIGTERM');
    expect(await server.waitForExit(30_000)).toBe(0);
    const effects: Record<string, RegExp> = {
      hup: /Reloading: gen 2|Reload ignored/,
      ttin: /Workers: 2 -> 3|TTIN ignored/,
    };
    const handled = [...server.log.matchAll(/Handling signal: (\w+)/g)];
    expect(handled.map((m) => m[1]).sort()).toEqual(['hup', 'term', 'ttin']);
    handled.forEach((m, i) => {
      if (!effects[m[1]!]) return;
      const upToNext = server.log.slice(m.index, handled[i + 1]?.index ?? server.log.length);
      expect(upToNext, `effect of ${m[1]} before the next signal`).toMatch(effects[m[1]!]!);
    });
  });

  it('ignores HUP and TTIN during the shutdown delay', async () => {
    const server = start({ args: [SLOW_APP, '-w', '1', '-b', '127.0.0.1:0', '--shutdown-delay', '2'] });
    await server.ready();
    server.signal('SIGTERM');
    await server.waitForLog(/Shutdown delay/);
    server.signal('SIGHUP');
    await server.waitForLog(/Reload ignored: the server is stopping/);
    server.signal('SIGTTIN');
    await server.waitForLog(/TTIN ignored: the server is stopping/);
    expect(await server.waitForExit()).toBe(0);
    expect(server.workerPids).toHaveLength(1);
  });

  it('finishes a reload when TTOU removes a worker it was replacing', async () => {
    const server = start({ args: [SLOW_APP, '-w', '3', '-b', '127.0.0.1:0'] });
    await server.ready();
    server.signal('SIGHUP');
    await server.waitForLog(/Reloading: gen 2/);
    server.signal('SIGTTOU');
    await server.waitForLog(/Workers: 3 -> 2/);
    await server.waitForLog(/Reload to gen 2 complete/, 30_000);
  });

  it('kills a draining worker that hangs after timeout, with its stack, not only after graceful-timeout', async () => {
    const server = start({ args: [`${EXAMPLES}/node-http/app.js`, '-w', '1', '-b', '127.0.0.1:0', '--timeout', '3'] });
    const port = await server.ready();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const [hung] = server.workerPids;
    const blocked = get(port, '/block?ms=60000', { agent }).catch((err: Error) => err);
    server.signal('SIGHUP');
    await server.waitForLog(new RegExp(`Retiring worker 1 \\(pid: ${hung}, gen 1\\)`), 20_000);
    await server.waitForLog(new RegExp(`WORKER TIMEOUT: worker 1 \\(pid: ${hung}\\).*stuck in:\\n\\s+at blockEventLoop`), 15_000);
    await until(() => !isAlive(hung!), 5_000, 'the hung worker to exit');
    expect(await blocked).toBeInstanceOf(Error);
    agent.destroy();
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { get, getJson } from './helpers/http.js';
import { EXAMPLES, FIXTURES, isAlive, start, stopAll, until } from './helpers/server.js';
import { tempDir } from './helpers/temp.js';

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
    expect(printed.log).toMatch(/^workers\s+= 3\s+# cli --workers$/m);
    expect(printed.log).toMatch(/^timeout\s+= 12\s+# env TSUNICORN_TIMEOUT$/m);
    expect(printed.log).toMatch(/^bind\s+= \["\[::1\]:9000"\]\s+# cli --bind$/m);
    expect(printed.log).toMatch(/^backlog\s+= 2048\s+# default$/m);
  });

  it('--print-config shows PORT and WEB_CONCURRENCY as defaults that an explicit value overrides', async () => {
    const env = { PORT: '9', WEB_CONCURRENCY: '3' };
    const platform = start({ args: ['--print-config', APP], env });
    expect(await platform.waitForExit()).toBe(0);
    expect(platform.log).toMatch(/^bind\s+= \["0\.0\.0\.0:9"\]\s+# env PORT \(a default/m);
    expect(platform.log).toMatch(/^workers\s+= 3\s+# env WEB_CONCURRENCY \(a default/m);
    const explicit = start({ args: ['--print-config', APP, '-b', '127.0.0.1:7000'], env: { ...env, TSUNICORN_WORKERS: '2' } });
    expect(await explicit.waitForExit()).toBe(0);
    expect(explicit.log).toMatch(/^bind\s+= \["127\.0\.0\.1:7000"\]\s+# cli --bind$/m);
    expect(explicit.log).toMatch(/^workers\s+= 2\s+# env TSUNICORN_WORKERS$/m);
  });
});

describe('gunicorn spellings', () => {
  it('--pid, --log-file - and --access-logfile - work as in gunicorn', async () => {
    const pidfile = join(tempDir('tsu-gunicorn-'), 'app.pid');
    const server = start({ args: [APP, '-w', '1', '-b', '127.0.0.1:0', '--pid', pidfile, '--log-file', '-', '--access-logfile', '-'] });
    const port = await server.ready();
    expect(readFileSync(pidfile, 'utf8').trim()).toBe(String(server.pid));
    expect((await get(port, '/?from=gunicorn')).status).toBe(200);
    await server.waitForLog(/"GET \/\?from=gunicorn HTTP\/1\.1" 200/);
  });
});

describe('PORT and WEB_CONCURRENCY', () => {
  it('never widen an explicit bind: PORT=9 with -b 127.0.0.1:0 serves on 127.0.0.1 only', async () => {
    const server = start({ args: [APP, '-b', '127.0.0.1:0'], env: { PORT: '9', WEB_CONCURRENCY: '2', TSUNICORN_WORKERS: '1' } });
    const port = await server.ready();
    expect(server.log).toMatch(/Listening at: 127\.0\.0\.1:\d+ /);
    expect(server.log).not.toContain('0.0.0.0');
    expect(server.workerPids).toHaveLength(1);
    expect((await get(port, '/')).status).toBe(200);
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
    expect(ok.log).toMatch(/Config OK \(.*\); app .*node-http\/app\.js:default: served by the node adapter/);
    const bad = start({ args: ['--check-config', APP, '--timeout=-1'] });
    expect(await bad.waitForExit()).toBe(2);
    expect(bad.log).toContain('invalid value for setting "timeout" (--timeout)');
  });

  it('--check-config imports the app: a missing file, an import error or a wrong export exits 4', async () => {
    const missing = start({ args: ['--check-config', `${FIXTURES}/no-such-app.js`] });
    expect(await missing.waitForExit()).toBe(4);
    expect(missing.log).toContain('no-such-app.js does not exist');
    const throws = start({ args: ['--check-config', `${FIXTURES}/throws-on-import.js`] });
    expect(await throws.waitForExit()).toBe(4);
    expect(throws.log).toContain('database is not reachable');
    expect(throws.log).toMatch(/at .*throws-on-import\.js/);
    expect(throws.log).not.toMatch(/loader\.js|check-config\.js|node:internal/);
    const noExport = start({ args: ['--check-config', `${FIXTURES}/no-app-export.js`] });
    expect(await noExport.waitForExit()).toBe(4);
    expect(noExport.log).toContain('has no export "default" or "app" (its exports: handler)');
    expect(noExport.log).not.toContain('Config OK');
    const named = start({ args: ['--check-config', `${FIXTURES}/no-app-export.js:handler`] });
    expect(await named.waitForExit()).toBe(0);
    expect(named.log).toContain('served by the node adapter');
  });

  it('--check-config checks the adapter options', async () => {
    const dir = tempDir('tsu-check-');
    writeFileSync(join(dir, 'tsunicorn.config.mjs'), "export default { adapterOptions: { platform: 'koa' } };\n");
    const bad = start({ args: ['--check-config', `${EXAMPLES}/nest/dist/app.module.js:AppModule`], cwd: dir });
    expect(await bad.waitForExit()).not.toBe(0);
    expect(bad.log).toContain('platform is "koa"; it must be "express" or "fastify"');
  });

  it('exits 4 with the stack when the app cannot be imported, reported once for all workers', async () => {
    const server = start({ args: [`${FIXTURES}/throws-on-import.js`, '-w', '3', '-b', '127.0.0.1:0'] });
    expect(await server.waitForExit()).toBe(4);
    expect(server.log).toContain('App failed to load');
    expect(server.log.match(/Error: database is not reachable/g)).toHaveLength(1);
    expect(server.log.match(/at .*throws-on-import\.js/g)).toHaveLength(1);
    // tsunicorn's own frames explain nothing about the user's mistake.
    expect(server.log).not.toMatch(/loader\.js|runtime\.js|node:internal/);
  });

  it('names the file and line of a syntax error in a module the app imports', async () => {
    const dir = tempDir('tsu-syntax-');
    writeFileSync(join(dir, 'app.mjs'), "import { handler } from './routes.mjs';\nexport default handler;\n");
    writeFileSync(join(dir, 'routes.mjs'), 'export function handler(req, res) {\n  res.end(\n}\n');
    const server = start({ args: [join(dir, 'app.mjs'), '-w', '2', '-b', '127.0.0.1:0'] });
    expect(await server.waitForExit()).toBe(4);
    expect(server.log).toMatch(
      /failed to boot: App failed to load: .*app\.mjs\nfile:\/\/.*routes\.mjs:3\n\}\n\^\nSyntaxError: Unexpected token/,
    );
    const check = start({ args: ['--check-config', join(dir, 'app.mjs')] });
    expect(await check.waitForExit()).toBe(4);
    expect(check.log).toMatch(/routes\.mjs:3\n/);
  });

  it('names a wrong export once, without a stack, however many workers fail', async () => {
    const server = start({ args: [`${FIXTURES}/no-app-export.js`, '-w', '3', '-b', '127.0.0.1:0'] });
    expect(await server.waitForExit()).toBe(4);
    const detail = /failed to boot: App module .*no-app-export\.js has no export "default" or "app" \(its exports: handler\)/g;
    expect(server.log.match(detail)).toHaveLength(1);
    expect(server.log).toMatch(/CRITICAL\] App failed to load \(exit code 4\): App module .*no-app-export\.js has no export/);
    expect(server.log).not.toMatch(/^\s+at /m);
  });
});

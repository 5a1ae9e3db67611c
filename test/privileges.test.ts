import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { get, getJson } from './helpers/http.js';
import { FIXTURES, start, stopAll, until } from './helpers/server.js';
import { tempDir } from './helpers/temp.js';

afterEach(stopAll);

const isRoot = process.getuid?.() === 0;
const uidOf = (pid: number) => Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
const gidOf = (pid: number) => Number(/^Gid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

describe.skipIf(!isRoot)('--user and --group (as root)', () => {
  it('runs the workers as nobody while the root master binds a port below 1024, and the app serves on it', async () => {
    const nobody = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }));
    const nogroup = Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }));
    const dir = tempDir('tsu-priv-');
    chmodSync(dir, 0o755);
    const errorLog = join(dir, 'error.log');
    // A privileged port only root can bind; chosen at random so parallel runs rarely meet.
    const lowPort = 600 + Math.floor(Math.random() * 400);
    const server = start({
      args: [
        `${FIXTURES}/slow-boot-app.js`,
        '-w',
        '2',
        '-b',
        `127.0.0.1:${lowPort}`,
        '--user',
        'nobody',
        '--umask',
        '027',
        '--error-logfile',
        errorLog,
      ],
    });
    await until(() => /Ready: 2 worker/.test(safeRead(errorLog)), 20_000, 'ready');
    const port = Number(/Listening at: 127\.0\.0\.1:(\d+)/.exec(safeRead(errorLog))![1]);
    expect(port).toBe(lowPort);
    const workers = [...safeRead(errorLog).matchAll(/Booting worker with pid: (\d+)/g)].map((m) => Number(m[1]));
    expect(uidOf(server.pid)).toBe(0);
    for (const pid of workers) {
      expect(uidOf(pid)).toBe(nobody);
      expect(gidOf(pid)).toBe(nogroup);
    }
    const reply = await getJson<{ uid: number }>(port, '/');
    expect(reply.uid).toBe(nobody);
    // The log file was handed to the workers' user, so they can reopen it after USR1.
    expect(statSync(errorLog).uid).toBe(nobody);
    expect((await get(port, '/')).status).toBe(200);
  });
});

describe.skipIf(!isRoot)('--user and a reload (as root)', () => {
  it('gives a new access log of the config to the workers user on HUP, so the new workers write it', async () => {
    const nobody = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }));
    const dir = tempDir('tsu-priv-');
    chmodSync(dir, 0o755);
    const config = join(dir, 'tsunicorn.config.cjs');
    const configFor = (log: string) =>
      `module.exports = { bind: '127.0.0.1:0', workers: 1, user: 'nobody', accessLogfile: ${JSON.stringify(join(dir, log))} };\n`;
    writeFileSync(config, configFor('access-1.log'));
    const server = start({ args: [`${FIXTURES}/slow-boot-app.js`, '-c', config] });
    const port = await server.ready();
    writeFileSync(config, configFor('access-2.log'));
    server.signal('SIGHUP');
    await server.waitForLog(/Reload to gen 2 complete/, 30_000);
    expect(statSync(join(dir, 'access-2.log')).uid).toBe(nobody);
    await until(
      async () => (await get(port, '/')).status === 200 && safeRead(join(dir, 'access-2.log')).includes('"GET / HTTP/1.1" 200'),
      10_000,
      'a line in the new access log',
    );
    expect(server.log).not.toMatch(/EACCES/);
  });
});

describe('privilege settings', () => {
  it('refuses an unknown user before binding, naming the setting', async () => {
    const server = start({ args: [`${FIXTURES}/slow-boot-app.js`, '-b', '127.0.0.1:0', '--user', 'no-such-user-tsu'] });
    expect(await server.waitForExit()).toBe(2);
    expect(server.log).toMatch(
      isRoot
        ? /user "no-such-user-tsu" does not exist \(setting "user", --user\) \[TSU_ERR_PRIVILEGES\]/
        : /setting "user" \(--user no-such-user-tsu\) needs the master to run as root.*\[TSU_ERR_PRIVILEGES\]/,
    );
    expect(server.log).not.toMatch(/Listening at/);
  });

  it('rejects a umask that is not octal', async () => {
    const server = start({ args: [`${FIXTURES}/slow-boot-app.js`, '--umask', '999'] });
    expect(await server.waitForExit()).toBe(2);
    expect(server.log).toMatch(/invalid value for setting "umask".*"999" is not an octal mask/);
  });
});

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

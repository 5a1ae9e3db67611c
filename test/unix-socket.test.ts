/**
 * Unix socket binds keep their socket file while any process still accepts on the socket:
 * libuv removes the path when the handle that bound it closes, so a master that stops polling
 * (dispatch shared) or hands the socket to a new master (USR2) must not take the path with it.
 */
import { existsSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, isAlive, start, stopAll, until } from './helpers/server.js';
import { tempDir } from './helpers/temp.js';

const APP = `${FIXTURES}/slow-app.js`;
const dirs: string[] = [];

afterEach(async () => {
  await stopAll();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function socketPath(): string {
  const dir = tempDir('tsu-unix-');
  dirs.push(dir);
  return join(dir, 'app.sock');
}

/** GET / over the Unix socket: the answering pid, or the error code. */
function getOverSocket(path: string): Promise<{ pid?: number; error?: string }> {
  return new Promise((resolve) => {
    const req = request({ socketPath: path, path: '/' }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk;
      });
      res.on('end', () => resolve({ pid: (JSON.parse(body) as { pid: number }).pid }));
    });
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end();
  });
}

describe('unix socket binds', () => {
  it('dispatch shared: the socket file stays once the workers accept on it, and goes at shutdown', async () => {
    const path = socketPath();
    const server = start({ args: [APP, '-w', '2', '-b', '127.0.0.1:0', '-b', `unix:${path}`, '--dispatch', 'shared'] });
    await server.ready();
    // The master parks the socket when the first worker hands a copy back.
    await server.waitForLog(/Ready: 2 worker/);
    for (let i = 0; i < 4; i++) expect(server.workerPids).toContain((await getOverSocket(path)).pid);
    server.signal('SIGHUP');
    await server.waitForLog(/Reload to gen 2 complete/, 30_000);
    expect((await getOverSocket(path)).error).toBeUndefined();
    server.signal('SIGTERM');
    expect(await server.waitForExit()).toBe(0);
    expect(existsSync(path)).toBe(false);
  });

  it('USR2: the new master serves the socket, by its path, after the old master is gone', async () => {
    const path = socketPath();
    const server = start({ args: [APP, '-w', '1', '-b', '127.0.0.1:0', '-b', `unix:${path}`] });
    await server.ready();
    const oldWorkers = server.workerPids;
    let newMaster = 0;
    try {
      server.signal('SIGUSR2');
      newMaster = Number((await server.waitForLog(/started a new master \(pid: (\d+)\)/))[1]);
      await server.waitForLog(/Ready: 1 worker\(s\)/, 30_000, 2);
      expect(server.log).toMatch(new RegExp(`\\[${newMaster}\\] \\[INFO\\] Listening at: .*unix:${path}`));
      server.signal('SIGWINCH');
      await server.waitForLog(/WINCH: stopped accepting/);
      server.signal('SIGTERM');
      expect(await server.waitForExit()).toBe(0);
      expect(existsSync(path)).toBe(true);
      const answer = await getOverSocket(path);
      expect(answer.error).toBeUndefined();
      expect(oldWorkers).not.toContain(answer.pid);
    } finally {
      if (newMaster && isAlive(newMaster)) {
        process.kill(newMaster, 'SIGTERM');
        await until(() => !isAlive(newMaster), 15_000, `master ${newMaster} to exit`);
      }
    }
  });
});

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';

import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { get, getJson } from './helpers/http.js';
import { CLI, FIXTURES, isAlive, start, stopAll, until } from './helpers/server.js';
import { tempDir } from './helpers/temp.js';

/** The test needs systemd's own client and python3 (for the datagram listener): say so when missing. */
function requireTool(command: string, args: string[], install: string): void {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
  } catch (err) {
    throw new Error(`${command} is needed by this test and could not be run (${(err as Error).message}): ${install}`);
  }
}
requireTool('systemd-notify', ['--version'], 'apt-get install systemd (Debian/Ubuntu)');
requireTool('python3', ['--version'], 'apt-get install python3');

const listeners: ChildProcess[] = [];
const servers: Server[] = [];
afterEach(async () => {
  await stopAll();
  for (const child of listeners.splice(0)) child.kill('SIGKILL');
  for (const server of servers.splice(0)) server.close();
});

/** A real datagram socket receiving sd_notify messages, one line per message. */
async function notifySocket(): Promise<{ path: string; messages: string[] }> {
  const path = join(tempDir('tsu-notify-'), 'notify.sock');
  const child = spawn('python3', [`${FIXTURES}/notify-listener.py`, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  listeners.push(child);
  const messages: string[] = [];
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    messages.push(...lines.filter((l) => l !== 'BARRIER=1'));
  });
  await until(() => messages[0] === 'listening', 10_000, 'the notify socket');
  messages.shift();
  return { path, messages };
}

describe('systemd notifications', () => {
  it('sends READY=1 once the first generation is warm, RELOADING=1 and READY=1 around a reload, MAINPID after USR2, and STOPPING=1 on TERM', async () => {
    const notify = await notifySocket();
    const server = start({
      args: [`${FIXTURES}/slow-boot-app.js`, '-w', '2', '-b', '127.0.0.1:0'],
      env: { NOTIFY_SOCKET: notify.path, BOOT_MS: '500' },
    });
    await until(() => notify.messages.length >= 1, 20_000, 'READY=1');
    // Sent only after both workers were warm.
    expect(server.log).toMatch(/Ready: 2 worker\(s\) serving/);
    expect(notify.messages[0]).toBe(`MAINPID=${server.pid} READY=1 STATUS=2 worker(s) warm and serving`);

    server.signal('SIGHUP');
    await until(() => notify.messages.length >= 3, 20_000, 'RELOADING=1 and READY=1');
    expect(notify.messages[1]).toMatch(/^RELOADING=1 MONOTONIC_USEC=\d+ STATUS=Reloading$/);
    expect(server.log).toMatch(/Reload to gen 2 complete/);
    expect(notify.messages[2]).toBe(`MAINPID=${server.pid} READY=1 STATUS=gen 2 serving`);

    server.signal('SIGUSR2');
    await until(() => notify.messages.length >= 4, 30_000, 'the new master’s MAINPID');
    const newMaster = Number(/^MAINPID=(\d+) READY=1/.exec(notify.messages[3]!)?.[1]);
    expect(newMaster).not.toBe(server.pid);
    expect(isAlive(newMaster)).toBe(true);
    // The old master hands over: its stop is not the service's.
    server.signal('SIGTERM');
    expect(await server.waitForExit()).toBe(0);
    process.kill(newMaster, 'SIGTERM');
    await until(() => !isAlive(newMaster), 20_000, 'the new master to exit');
    expect(notify.messages.slice(4)).toEqual(['STOPPING=1 STATUS=Stopping']);
  });
});

describe('socket activation', () => {
  it('serves on the socket systemd passes as fd 3 with LISTEN_FDS and LISTEN_PID', async () => {
    const listener = createServer();
    servers.push(listener);
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as { port: number }).port;
    const fd = (listener as unknown as { _handle: { fd: number } })._handle.fd;
    // LISTEN_PID must be the master's own pid: the shell sets it, then becomes node.
    const server = start({
      executable: '/bin/sh',
      args: ['-c', `LISTEN_PID=$$ LISTEN_FDS=1 exec "${process.execPath}" "${CLI}" "${FIXTURES}/slow-boot-app.js" -w 1 -b 127.0.0.1:1`],
      fds: [fd],
    });
    await server.waitForLog(/Ready: 1 worker/);
    expect(server.log).toContain(`Listening at: 127.0.0.1:${port}`);
    listener.close();
    expect((await getJson<{ worker: string }>(port, '/')).worker).toBe('1');
    const reply = await get(port, '/');
    expect(reply.status).toBe(200);
  });
});

/**
 * Child processes for benchmarks: spawn with every output line kept and timestamped, wait for
 * a log line with a time limit, and stop by pid (TERM, then KILL) with a time limit. Every wait
 * here is bounded, so a broken server fails the benchmark instead of hanging it.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { now } from './recorder.mjs';

/**
 * @typedef {object} LoggedProcess
 * @property {import('node:child_process').ChildProcess} child
 * @property {number} pid
 * @property {{ at: number, stream: 'stdout' | 'stderr', text: string }[]} lines  Every output line so far.
 * @property {(pattern: RegExp, options?: { timeoutMs?: number, after?: number }) => Promise<{ at: number, text: string, match: RegExpMatchArray }>} waitForLine
 * @property {Promise<{ code: number | null, signal: string | null }>} exited
 */

/**
 * Spawns a process whose stdout and stderr are read line by line into `lines`.
 * @returns {LoggedProcess}
 */
export function spawnLogged(command, args, { cwd, env, name = command } = {}) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const waiters = new Set();
  let exitInfo = null;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      for (const waiter of waiters) waiter.onExit(exitInfo);
      resolve(exitInfo);
    });
  });
  const collect = (stream) => (text) => {
    const line = { at: now(), stream, text };
    lines.push(line);
    for (const waiter of waiters) waiter.onLine(line);
  };
  createInterface({ input: child.stdout }).on('line', collect('stdout'));
  createInterface({ input: child.stderr }).on('line', collect('stderr'));
  const waitForLine = (pattern, { timeoutMs = 30_000, after = 0 } = {}) =>
    new Promise((resolve, reject) => {
      const seen = lines.find((line) => line.at >= after && pattern.test(line.text));
      if (seen) return resolve({ ...seen, match: seen.text.match(pattern) });
      const waiter = {
        onLine(line) {
          if (line.at < after || !pattern.test(line.text)) return;
          finish();
          resolve({ ...line, match: line.text.match(pattern) });
        },
        onExit(info) {
          finish();
          reject(new Error(`${name} exited (code ${info.code}, signal ${info.signal}) before logging ${pattern}${tail(lines)}`));
        },
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`${name} did not log ${pattern} within ${timeoutMs} ms${tail(lines)}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        waiters.delete(waiter);
      };
      if (exitInfo) return waiter.onExit(exitInfo);
      waiters.add(waiter);
    });
  return { child, pid: child.pid, lines, waitForLine, exited };
}

function tail(lines, n = 15) {
  if (lines.length === 0) return ' (no output)';
  return `; last output:\n  ${lines
    .slice(-n)
    .map((l) => l.text)
    .join('\n  ')}`;
}

/** Whether a process with this pid exists (and may be signalled by us). */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/**
 * Stops one process by pid: `signal` (TERM by default), then KILL if it is still alive after
 * `timeoutMs`. Resolves with true when it stopped gracefully, false when it had to be killed
 * (or was already gone).
 */
export async function stopPid(pid, { signal = 'SIGTERM', timeoutMs = 10_000 } = {}) {
  if (!pid || !isAlive(pid)) return false;
  try {
    process.kill(pid, signal);
  } catch {
    return false;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {}
  return false;
}

/** Stops a spawned process (see stopPid) and waits for its exit event, bounded. */
export async function stopProcess(proc, options = {}) {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return proc.exited;
  await stopPid(proc.pid, options);
  return Promise.race([proc.exited, sleep(5_000).then(() => ({ code: null, signal: 'unknown' }))]);
}

/** A TCP port on 127.0.0.1 free at the time of the call. */
export async function findFreePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/** Polls `check()` until it returns a truthy value or `timeoutMs` passes (then throws `what`). */
export async function pollUntil(check, { timeoutMs = 30_000, intervalMs = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError.message})` : ''}`);
}

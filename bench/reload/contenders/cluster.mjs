/**
 * node:cluster: cluster-server.mjs, the hand-written HUP reload. Reload = HUP to the primary;
 * the window ends when every old worker has exited.
 */
import { fileURLToPath } from 'node:url';
import { now } from '../../lib/load.mjs';
import { findFreePort, isAlive, spawnLogged, stopPid, stopProcess } from '../../lib/process.mjs';

const SCRIPT = fileURLToPath(new URL('../cluster-server.mjs', import.meta.url));

/** @type {import('./contender.mjs').Contender} */
export const cluster = {
  name: 'node:cluster',
  describe: () =>
    '`bench/reload/cluster-server.mjs`: on HUP fork a replacement per worker, `disconnect()` the old one when the new one is listening, SIGKILL it 5 s later if still alive',
  notes: /SIGKILL|error/i,
  start,
};

async function start({ appPath, workers }) {
  const port = await findFreePort();
  const primary = spawnLogged(process.execPath, [SCRIPT], {
    env: { BENCH_APP: appPath, BENCH_PORT: String(port), BENCH_WORKERS: String(workers) },
    name: 'node:cluster primary',
  });
  try {
    await primary.waitForLine(/ready: \d+ workers listening/, { timeoutMs: 60_000 });
  } catch (err) {
    await stopAll(primary);
    throw err;
  }
  return {
    port,
    lines: primary.lines,
    processes: () => ({ master: primary.pid, workers: forkedPids(primary) }),
    reload: () => reload(primary),
    stop: () => stopAll(primary),
  };
}

async function reload(primary) {
  const start = now();
  process.kill(primary.pid, 'SIGHUP');
  const begun = await primary.waitForLine(/reloading: gen (\d+)/, { after: start, timeoutMs: 10_000 });
  const done = await primary.waitForLine(new RegExp(`reload to gen ${begun.match[1]} complete`), { after: start, timeoutMs: 60_000 });
  return { start, end: done.at, detail: done.text.replace(/^\[cluster \d+\] /, '') };
}

function forkedPids(primary) {
  return primary.lines
    .map((l) => l.text.match(/forked worker pid (\d+)/)?.[1])
    .filter(Boolean)
    .map(Number);
}

async function stopAll(primary) {
  const workerPids = forkedPids(primary);
  await stopProcess(primary, { signal: 'SIGTERM', timeoutMs: 15_000 });
  for (const pid of workerPids) if (isAlive(pid)) await stopPid(pid, { timeoutMs: 5_000 });
}

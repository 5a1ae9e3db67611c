/**
 * tsunicorn: the CLI on the app, in the app's directory (so its tsunicorn.config.js applies,
 * as it would for a user), everything else at its defaults. Reload = HUP to the master.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { now } from '../../lib/load.mjs';
import { isAlive, pollUntil, spawnLogged, stopPid, stopProcess } from '../../lib/process.mjs';

/** @type {import('./contender.mjs').Contender} */
export const tsunicorn = {
  name: 'tsunicorn',
  describe: ({ workers }) =>
    `\`tsunicorn APP -w ${workers} -b 127.0.0.1:0\` in the app's directory, defaults otherwise; reload = \`kill -HUP master\``,
  notes: /\[(WARNING|ERROR|CRITICAL)\]/,
  start,
};

/** tsunicorn with extra command-line arguments (a dispatch mode, say), under its own name. */
export function tsunicornWith(name, args) {
  return { ...tsunicorn, name, start: (options) => start({ ...options, args }) };
}

async function start({ root, appPath, workers, args = [] }) {
  const cli = join(root, 'packages/core/dist/cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (npx tsc -b packages/core)`);
  const master = spawnLogged(process.execPath, [cli, basename(appPath), '-w', String(workers), '-b', '127.0.0.1:0', ...args], {
    cwd: dirname(appPath),
    name: 'tsunicorn',
  });
  try {
    const listening = await master.waitForLine(/Listening at: 127\.0\.0\.1:(\d+)/, { timeoutMs: 30_000 });
    await master.waitForLine(/Ready: \d+ worker\(s\) serving/, { timeoutMs: 60_000 });
    return serverOf(master, Number(listening.match[1]), workers);
  } catch (err) {
    await stopAll(master);
    throw err;
  }
}

function serverOf(master, port, workers) {
  return {
    port,
    pid: master.pid,
    lines: master.lines,
    processes: () => ({ master: master.pid, workers: bootedPids(master) }),
    reload: () => reload(master, workers),
    stop: () => stopAll(master),
  };
}

/**
 * Sends HUP and waits until the new generation serves and every worker of the old one has
 * exited (the window covers the old workers' draining too).
 */
async function reload(master, workers) {
  const start = now();
  process.kill(master.pid, 'SIGHUP');
  const begun = await master.waitForLine(/Reloading: gen (\d+)/, { after: start, timeoutMs: 10_000 });
  const generation = Number(begun.match[1]);
  const outcome = await master.waitForLine(new RegExp(`Reload to gen ${generation} (complete|failed)`), {
    after: start,
    timeoutMs: 120_000,
  });
  if (outcome.match[1] === 'failed') throw new Error(`tsunicorn: ${outcome.text}`);
  const oldExit = new RegExp(`gen ${generation - 1}\\) exited`);
  const exits = await pollUntil(
    () => {
      const seen = master.lines.filter((l) => l.at >= start && oldExit.test(l.text));
      return seen.length >= workers && seen;
    },
    { timeoutMs: 60_000, intervalMs: 20, what: `the gen ${generation - 1} workers to exit` },
  );
  const end = Math.max(outcome.at, ...exits.map((l) => l.at));
  return { start, end, detail: outcome.text.replace(/^.*\] /, '') };
}

function bootedPids(master) {
  return master.lines
    .map((l) => l.text.match(/Booting worker with pid: (\d+)/)?.[1])
    .filter(Boolean)
    .map(Number);
}

async function stopAll(master) {
  const workerPids = bootedPids(master);
  await stopProcess(master, { signal: 'SIGTERM', timeoutMs: 40_000 });
  for (const pid of workerPids) if (isAlive(pid)) await stopPid(pid, { timeoutMs: 5_000 });
}

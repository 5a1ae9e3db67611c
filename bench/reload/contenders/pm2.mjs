/**
 * PM2 in cluster mode with `wait_ready`, run through its JS entry with the current Node and a
 * private PM2_HOME (a temp dir, removed at the end), so no user's PM2 daemon is touched.
 * Reload = `pm2 reload <name>`; the window is the command's run.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { now } from '../../lib/load.mjs';
import { findFreePort, isAlive, pollUntil, stopPid } from '../../lib/process.mjs';

const run = promisify(execFile);
const APP_SCRIPT = fileURLToPath(new URL('../pm2-app.mjs', import.meta.url));
const NAME = 'tsunicorn-bench-reload';

/** PM2 process settings beyond the defaults; written into the ecosystem file and the results. */
const PM2_OPTIONS = { exec_mode: 'cluster', wait_ready: true, listen_timeout: 10_000, kill_timeout: 1600 };

/** @type {import('./contender.mjs').Contender} */
export const pm2 = {
  name: 'PM2',
  describe: ({ workers }) =>
    `PM2 cluster mode, ${workers} instances, \`${JSON.stringify(PM2_OPTIONS)}\`; the app sends \`ready\` after \`listen()\` and closes its server on SIGINT; reload = \`pm2 reload\``,
  notes: /still alive|SIGKILL|errored|\berror\b/i,
  start,
};

async function start({ root, appPath, workers }) {
  const home = mkdtempSync(join(tmpdir(), 'tsunicorn-bench-pm2-'));
  const cli = pm2Cli(root, home);
  const server = { port: 0, lines: [], reload: () => reload(cli, server.lines), stop: () => stopAll(cli, server) };
  server.pids = new Set();
  server.daemonPids = () => [readPid(join(home, 'pm2.pid'))].filter(Boolean);
  // In cluster mode PM2's daemon is the cluster primary: it hands out the connections.
  server.processes = () => ({ master: readPid(join(home, 'pm2.pid')), workers: [...server.pids] });
  try {
    server.port = await findFreePort();
    const ecosystem = writeEcosystem(home, { appPath, port: server.port, workers });
    server.lines.push(...(await cli.call(['start', ecosystem])));
    await waitOnline(cli, server, workers);
    return server;
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/** Runs the PM2 CLI (its JS entry, with this Node) against the private home; bounded. */
function pm2Cli(root, home) {
  const entry = join(root, 'node_modules/pm2/bin/pm2');
  // DISCRETE_MODE skips the first-run banner and version check; no network is needed.
  const env = { ...process.env, PM2_HOME: home, PM2_DISCRETE_MODE: 'true', PM2_DISABLE_VERSION_CHECK: 'true' };
  return {
    home,
    async call(args, timeoutMs = 60_000) {
      const { stdout, stderr } = await run(process.execPath, [entry, ...args], { env, timeout: timeoutMs, maxBuffer: 16 << 20 });
      return `${stdout}${stderr}`
        .split('\n')
        .filter(Boolean)
        .map((text) => ({ at: now(), stream: 'stdout', text }));
    },
    async list() {
      const { stdout } = await run(process.execPath, [entry, 'jlist'], { env, timeout: 30_000, maxBuffer: 16 << 20 });
      return JSON.parse(stdout.slice(stdout.indexOf('[')));
    },
  };
}

function writeEcosystem(home, { appPath, port, workers }) {
  const app = {
    name: NAME,
    script: APP_SCRIPT,
    cwd: dirname(appPath),
    instances: workers,
    ...PM2_OPTIONS,
    autorestart: true,
    merge_logs: true,
    out_file: join(home, 'app.out.log'),
    error_file: join(home, 'app.err.log'),
    env: { BENCH_APP: appPath, BENCH_PORT: String(port) },
  };
  const file = join(home, 'ecosystem.config.cjs');
  writeFileSync(file, `module.exports = ${JSON.stringify({ apps: [app] }, null, 2)};\n`);
  return file;
}

async function waitOnline(cli, server, workers) {
  await pollUntil(
    async () => {
      const apps = (await cli.list()).filter((p) => p.name === NAME);
      for (const p of apps) if (p.pid) server.pids.add(p.pid);
      const online = apps.filter((p) => p.pm2_env?.status === 'online').length === workers;
      return online && (await fetch(`http://127.0.0.1:${server.port}/`).then((r) => r.arrayBuffer().then(() => true)));
    },
    { timeoutMs: 60_000, intervalMs: 250, what: `${workers} PM2 instances online and answering` },
  );
}

async function reload(cli, lines) {
  const start = now();
  const output = await cli.call(['reload', NAME], 120_000);
  const end = now();
  lines.push(...output);
  return { start, end, detail: `pm2 reload returned after ${Math.round(end - start)} ms` };
}

/**
 * `pm2 kill` (stops the apps and the daemon), then any pid still alive, then the temp home;
 * the daemon's log is kept in `server.lines` first (it says when PM2 had to SIGKILL).
 */
async function stopAll(cli, server) {
  try {
    for (const p of await cli.list().catch(() => [])) if (p.pid) server.pids.add(p.pid);
    const daemonPid = readPid(join(cli.home, 'pm2.pid'));
    await cli.call(['kill'], 60_000).catch(() => {});
    for (const pid of [...server.pids, daemonPid]) if (pid && isAlive(pid)) await stopPid(pid, { timeoutMs: 5_000 });
    server.lines.push(...readLog(join(cli.home, 'pm2.log')));
  } finally {
    rmSync(cli.home, { recursive: true, force: true });
  }
}

function readLog(file) {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((text) => ({ at: Number.NaN, stream: 'pm2.log', text }));
  } catch {
    return [];
  }
}

function readPid(file) {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}

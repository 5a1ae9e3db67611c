/**
 * The node:cluster contender: the usual hand-written rolling reload. The primary forks the
 * workers; on SIGHUP it forks a replacement for each worker and, as soon as the replacement is
 * listening, disconnects the old one (which closes its server and exits once its connections
 * end), killing it if it is still alive after KILL_TIMEOUT_MS. SIGTERM disconnects everyone
 * the same way and exits.
 *
 * Environment: BENCH_APP, BENCH_PORT (see app-server.mjs), BENCH_WORKERS (default 2).
 * Logs one line per event on stdout, e.g. "reload to gen 2 complete in 5012 ms".
 */
import cluster from 'node:cluster';
import { appEnvironment, listenApp } from './app-server.mjs';

/** How long a disconnected worker may take to exit before it is killed (PM2's default is 1.6 s). */
const KILL_TIMEOUT_MS = 5000;

if (cluster.isPrimary) runPrimary();
else await runWorker();

async function runWorker() {
  const { appPath, port } = appEnvironment();
  await listenApp(appPath, port);
}

function runPrimary() {
  const size = Number(process.env.BENCH_WORKERS ?? 2);
  const current = new Set();
  let generation = 1;
  let stopping = false;

  const log = (text) => console.log(`[cluster ${process.pid}] ${text}`);
  const fork = () => {
    const worker = cluster.fork();
    log(`forked worker pid ${worker.process.pid} (gen ${generation})`);
    return worker;
  };
  const retire = (worker) => {
    worker.disconnect();
    setTimeout(() => worker.process.kill('SIGKILL'), KILL_TIMEOUT_MS).unref();
  };
  const whenAllExit = (workers, then) => {
    let left = workers.length;
    if (left === 0) return then();
    for (const worker of workers) worker.once('exit', () => --left === 0 && then());
  };

  cluster.on('exit', (worker, code, signal) => {
    log(`worker pid ${worker.process.pid} exited (${signal ?? `code ${code}`})`);
  });

  let listening = 0;
  for (let i = 0; i < size; i++) {
    const worker = fork();
    current.add(worker);
    worker.once('listening', () => ++listening === size && log(`ready: ${size} workers listening`));
  }

  process.on('SIGHUP', () => {
    if (stopping) return;
    const gen = ++generation;
    const startedAt = Date.now();
    const old = [...current];
    log(`reloading: gen ${gen}`);
    for (const previous of old) {
      const fresh = fork();
      fresh.once('listening', () => {
        current.delete(previous);
        current.add(fresh);
        retire(previous);
      });
    }
    whenAllExit(old, () => log(`reload to gen ${gen} complete in ${Date.now() - startedAt} ms`));
  });

  process.on('SIGTERM', () => {
    stopping = true;
    const all = Object.values(cluster.workers);
    log('stopping');
    for (const worker of all) retire(worker);
    whenAllExit(all, () => process.exit(0));
  });
}

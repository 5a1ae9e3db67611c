/**
 * The baseline: what people run today. A node:cluster primary forks N workers; each worker
 * imports the app and calls the framework's own listen(). Nothing is warmed. The primary
 * prints the same `Listening at:` and `Ready:` lines as tsunicorn, "ready" meaning every
 * worker has called back from listen(): the earliest moment a cluster app can know it is up.
 * (Probing the port instead would answer as soon as the first worker listens, and the probe
 * connection would be handed to a worker, which the measurement needs untouched.)
 *
 * Usage (from a per-framework script): node baseline/<framework>.mjs APP_MODULE[:EXPORT] --workers N
 */
import cluster from 'node:cluster';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Loopback only: the benchmark never listens anywhere else. */
export const HOST = '127.0.0.1';

/**
 * Runs the calling script as a cluster: forks in the primary, `listenInWorker(exported)` in
 * each worker, where `exported` is the app module's chosen export.
 * @param {(exported: unknown) => Promise<void>} listenInWorker must listen on port 0 at HOST
 */
export async function runCluster(listenInWorker) {
  const { spec, workers } = parseArgs(process.argv.slice(2));
  if (cluster.isPrimary) return runPrimary(workers);
  await listenInWorker(await importExport(spec));
}

function parseArgs(argv) {
  const spec = argv.find((a) => !a.startsWith('-'));
  const at = argv.indexOf('--workers');
  const workers = at === -1 ? 2 : Number(argv[at + 1]);
  if (!spec || !(workers >= 1)) throw new Error('usage: node baseline/<framework>.mjs APP_MODULE[:EXPORT] --workers N');
  return { spec, workers };
}

async function importExport(spec) {
  const colon = spec.lastIndexOf(':');
  const [path, name] = colon > 0 ? [spec.slice(0, colon), spec.slice(colon + 1)] : [spec, 'default'];
  const mod = await import(pathToFileURL(resolve(path)).href);
  if (mod[name] === undefined) throw new Error(`${path} has no export "${name}"`);
  return mod[name];
}

function runPrimary(workers) {
  let listening = 0;
  let started = false;
  // Round-robin is node:cluster's default on Linux; said here so the comparison is explicit.
  cluster.schedulingPolicy = cluster.SCHED_RR;
  cluster.on('listening', (_worker, address) => {
    listening++;
    if (listening === 1) console.log(`Listening at: ${HOST}:${address.port} (${process.pid})`);
    if (listening === workers) {
      started = true;
      console.log(`Ready: ${workers} worker(s) serving at ${HOST}:${address.port}`);
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    console.error(`Worker ${worker.process.pid} exited (${signal ?? code})${started ? '' : ' before it was listening'}`);
    process.exitCode = 1;
    stop();
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers)) worker.process.kill('SIGTERM');
    // Exit once every worker is gone; the harness kills the process group if this hangs.
    const poll = setInterval(() => {
      if (Object.keys(cluster.workers).length === 0) {
        clearInterval(poll);
        process.exit();
      }
    }, 20);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  for (let i = 0; i < workers; i++) cluster.fork();
}

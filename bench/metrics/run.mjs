/**
 * `pnpm bench metrics [--rounds 5] [--seconds 5] [--connections 32] [--workers 1]`
 *
 * Throughput with metrics on (--admin-bind, scraped once a second) against off, side by side:
 * each round starts a fresh server per variant, the order alternating between rounds, and
 * measures it with wrk (when installed) and with a keep-alive node:http client. Writes
 * bench/results/metrics.md with every run, the medians and the on ÷ off ratios.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startLoad } from '../lib/load.mjs';
import { describeMachine, machineMarkdown } from '../lib/machine.mjs';
import { spawnLogged, stopProcess } from '../lib/process.mjs';
import { percentile } from '../lib/stats.mjs';
import { markdownTable } from '../lib/table.mjs';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    workers: { type: 'string', default: '1' },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const workers = Number(values.workers);
const cli = fileURLToPath(new URL('../../packages/core/dist/cli.js', import.meta.url));
const app = fileURLToPath(new URL('./app.mjs', import.meta.url));
const resultsFile = fileURLToPath(new URL('../results/metrics.md', import.meta.url));

const hasWrk = await new Promise((resolve) => execFile('wrk', ['--version'], (err) => resolve(!err || err.code !== 'ENOENT')));

/** Starts tsunicorn with or without the admin listener; resolves with its ports. */
async function startServer(metrics) {
  const args = [cli, app, '-w', String(workers), '-b', '127.0.0.1:0', '--log-level', 'info'];
  if (metrics) args.push('--admin-bind', '127.0.0.1:0');
  const server = spawnLogged(process.execPath, args, { name: metrics ? 'metrics-on' : 'metrics-off' });
  await server.waitForLine(/Ready: \d+ worker/, { timeoutMs: 30_000 });
  const port = Number(/Listening at: 127\.0\.0\.1:(\d+)/.exec(server.lines.map((l) => l.text).join('\n'))[1]);
  const admin = metrics ? Number(/Admin listener at: 127\.0\.0\.1:(\d+)/.exec(server.lines.map((l) => l.text).join('\n'))[1]) : null;
  return { server, port, admin };
}

function wrk(port, durationS) {
  return new Promise((resolve, reject) => {
    execFile('wrk', ['-t1', `-c${connections}`, `-d${durationS}s`, `http://127.0.0.1:${port}/`], (err, stdout) => {
      if (err) return reject(err);
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
      if (!rps) return reject(new Error(`no Requests/sec in wrk output:\n${stdout}`));
      resolve(Number(rps[1]));
    });
  });
}

async function nodeClient(port, durationS) {
  const load = startLoad({ url: `http://127.0.0.1:${port}/`, connections, durationMs: durationS * 1000 });
  const result = await load.done;
  return result.count / ((result.endedAt - result.startedAt) / 1000);
}

/** Scrapes /metrics once a second while a measurement runs, as Prometheus would (more often). */
function scrapeEverySecond(admin) {
  if (admin === null) return () => {};
  const timer = setInterval(() => {
    request({ host: '127.0.0.1', port: admin, path: '/metrics' }, (res) => res.resume()).end();
  }, 1000);
  return () => clearInterval(timer);
}

async function measure(metrics) {
  const { server, port, admin } = await startServer(metrics);
  try {
    const stop = scrapeEverySecond(admin);
    // A short load first, so that both variants are measured warm.
    await nodeClient(port, 1);
    const wrkRps = hasWrk ? await wrk(port, seconds) : null;
    const nodeRps = await nodeClient(port, seconds);
    stop();
    return { wrk: wrkRps, node: nodeRps };
  } finally {
    await stopProcess(server);
  }
}

const runs = { off: [], on: [] };
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
  for (const variant of order) {
    const r = await measure(variant === 'on');
    runs[variant].push(r);
    console.log(`round ${round + 1} metrics ${variant}: wrk ${r.wrk?.toFixed(0) ?? '-'} req/s, node client ${r.node.toFixed(0)} req/s`);
  }
}

const median = (xs) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
const clients = hasWrk ? ['wrk', 'node'] : ['node'];
const rows = clients.map((client) => {
  const off = median(runs.off.map((r) => r[client]));
  const on = median(runs.on.map((r) => r[client]));
  return [
    client === 'wrk' ? `wrk -t1 -c${connections}` : `node:http keep-alive ×${connections}`,
    off.toFixed(0),
    on.toFixed(0),
    (on / off).toFixed(3),
  ];
});
const perRun = [];
for (let i = 0; i < rounds; i++) {
  for (const variant of i % 2 === 0 ? ['off', 'on'] : ['on', 'off']) {
    const r = runs[variant][i];
    perRun.push([String(i + 1), variant, r.wrk?.toFixed(0) ?? '-', r.node.toFixed(0)]);
  }
}
const report = `# Metrics on ÷ off: throughput

\`pnpm bench metrics --rounds ${rounds} --seconds ${seconds} --connections ${connections} --workers ${workers}\`, ${new Date().toISOString().slice(0, 10)}.

${machineMarkdown(describeMachine())}
- App: bench/metrics/app.mjs (a fixed JSON answer), ${workers} worker(s), plain Node request listener.
- "on": \`--admin-bind 127.0.0.1:0\`, /metrics scraped once a second during the measurement; "off": no admin listener.
- Each round starts a fresh server per variant, the order alternating; each measurement follows a 1 s warm load.

## Medians (req/s)

${markdownTable(['client', 'metrics off', 'metrics on', 'on ÷ off'], rows, { right: ['metrics off', 'metrics on', 'on ÷ off'] })}

## Every run (req/s)

${markdownTable(['round', 'metrics', 'wrk', 'node client'], perRun, { right: ['wrk', 'node client'] })}
`;
writeFileSync(resultsFile, report);
console.log(`\n${report}\nwrote ${resultsFile}`);

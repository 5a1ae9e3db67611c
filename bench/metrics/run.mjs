/**
 * `pnpm bench metrics [--rounds 12] [--seconds 3] [--connections 32] [--workers 1]`
 *
 * Throughput with metrics on (--admin-bind, /metrics scraped once a second) against off, side
 * by side: both servers run for the whole benchmark and are loaded in turn, one at a time, in
 * short slices whose order alternates between rounds, so that other work on a shared machine
 * weighs on both alike. Each slice is measured with wrk (when installed) and with a keep-alive
 * node:http client. Writes bench/results/metrics.md with every slice, the medians and the
 * on ÷ off ratios, and beside them the CPU metrics add per request measured without the
 * network (overhead.mjs), which the noise of a shared machine does not blur.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startCpuMeter, waitForQuietMachine } from '../lib/cpu.mjs';
import { isInstalled, runLoad } from '../lib/generators.mjs';
import { startLoad } from '../lib/load.mjs';
import { describeMachine, machineMarkdown } from '../lib/machine.mjs';
import { spawnLogged, stopProcess } from '../lib/process.mjs';
import { percentile } from '../lib/stats.mjs';
import { markdownTable } from '../lib/table.mjs';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '12' },
    seconds: { type: 'string', default: '3' },
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

const hasWrk = isInstalled('wrk');

/** Starts tsunicorn with or without the admin listener; resolves with its ports. */
async function startServer(metrics) {
  const args = [cli, app, '-w', String(workers), '-b', '127.0.0.1:0', '--log-level', 'info'];
  if (metrics) args.push('--admin-bind', '127.0.0.1:0');
  const server = spawnLogged(process.execPath, args, { name: metrics ? 'metrics-on' : 'metrics-off' });
  await server.waitForLine(/Ready: \d+ worker/, { timeoutMs: 30_000 });
  const log = server.lines.map((l) => l.text).join('\n');
  const port = Number(/Listening at: 127\.0\.0\.1:(\d+)/.exec(log)[1]);
  const admin = metrics ? Number(/Admin listener at: 127\.0\.0\.1:(\d+)/.exec(log)[1]) : null;
  const pids = [server.pid, ...[...log.matchAll(/Booting worker with pid: (\d+)/g)].map((m) => Number(m[1]))];
  return { server, port, admin, pids };
}

async function nodeClient(port, durationS) {
  const load = startLoad({ url: `http://127.0.0.1:${port}/`, connections, durationMs: durationS * 1000 });
  const result = await load.done;
  return { rps: result.count / ((result.endedAt - result.startedAt) / 1000), requests: result.count };
}

/** Scrapes /metrics once a second, as Prometheus would (it usually scrapes far less often). */
function scrapeEverySecond(admin) {
  const timer = setInterval(() => {
    request({ host: '127.0.0.1', port: admin, path: '/metrics' }, (res) => res.resume()).end();
  }, 1000);
  return () => clearInterval(timer);
}

/** CPU time (user + system) the server's processes have used, in µs. */
function cpuMicros(pids) {
  let ticks = 0;
  for (const pid of pids) {
    // Fields after the command name: utime and stime are the 12th and 13th (man 5 proc).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * 10_000;
}

/**
 * One slice on one server: wrk (when installed), then the node client. Besides req/s, the
 * server's CPU time per request, which other work on a shared machine disturbs far less than
 * throughput (it is what req/s becomes when the server has the cores to itself).
 */
async function measure(target) {
  const meter = startCpuMeter();
  const cpu0 = cpuMicros(target.pids);
  const w = hasWrk ? await runLoad('wrk', `http://127.0.0.1:${target.port}/`, { seconds, connections }) : null;
  if (w && !Number.isFinite(w.rps)) throw new Error('no Requests/sec in wrk output');
  const cpu1 = cpuMicros(target.pids);
  const n = await nodeClient(target.port, seconds);
  const cpu2 = cpuMicros(target.pids);
  const { foreignPct } = meter.stop();
  return {
    wrk: w?.rps ?? null,
    node: n.rps,
    wrkCpu: w ? (cpu1 - cpu0) / w.requests : null,
    nodeCpu: (cpu2 - cpu1) / n.requests,
    foreignPct,
  };
}

const order = (round) => (round % 2 === 0 ? ['off', 'on'] : ['on', 'off']);
// The added CPU per request, measured without the network first, on a quiet process.
const overhead = JSON.parse(
  execFileSync(process.execPath, [fileURLToPath(new URL('./overhead.mjs', import.meta.url))], { encoding: 'utf8' }).trim(),
);
const targets = { off: await startServer(false), on: await startServer(true) };
const stopScraping = scrapeEverySecond(targets.on.admin);
const runs = { off: [], on: [] };
try {
  // A short load on each first, so that both are measured warm.
  for (const target of Object.values(targets)) await nodeClient(target.port, 1);
  await waitForQuietMachine({ maxWaitMs: 10_000 });
  for (let round = 0; round < rounds; round++) {
    for (const variant of order(round)) {
      const r = await measure(targets[variant]);
      runs[variant].push(r);
      console.log(
        `round ${round + 1} metrics ${variant}: wrk ${r.wrk?.toFixed(0) ?? '-'} req/s, node client ${r.node.toFixed(0)} req/s, foreign CPU ${r.foreignPct.toFixed(0)}%`,
      );
    }
  }
} finally {
  stopScraping();
  await Promise.all(Object.values(targets).map((t) => stopProcess(t.server)));
}

function commit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const median = (xs) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
const clients = hasWrk ? ['wrk', 'node'] : ['node'];
const label = (client) => (client === 'wrk' ? `wrk -t1 -c${connections}` : `node:http keep-alive ×${connections}`);
/** Medians per variant and the on ÷ off ratios (overall, and the median of same-round ratios). */
function compare(field, invert) {
  return clients.map((client) => {
    const key = field(client);
    const off = median(runs.off.map((r) => r[key]));
    const on = median(runs.on.map((r) => r[key]));
    const ratio = (a, b) => (invert ? b / a : a / b);
    const paired = median(runs.on.map((r, i) => ratio(r[key], runs.off[i][key])));
    return [label(client), off.toFixed(invert ? 1 : 0), on.toFixed(invert ? 1 : 0), ratio(on, off).toFixed(3), paired.toFixed(3)];
  });
}
const rows = compare((client) => client, false);
const cpuOff = (client) =>
  runs.off.length && runs.off[0][`${client}Cpu`] !== null ? median(runs.off.map((r) => r[`${client}Cpu`])).toFixed(1) : '-';
const bound = (client) => {
  const off = Number(cpuOff(client));
  return Number.isFinite(off) && off > 0 ? (off / (off + overhead.addedNsPerRequest / 1000)).toFixed(3) : '-';
};
const cpuRows = compare((client) => `${client}Cpu`, true);
const perRun = [];
for (let i = 0; i < rounds; i++) {
  for (const variant of order(i)) {
    const r = runs[variant][i];
    perRun.push([
      String(i + 1),
      variant,
      r.wrk?.toFixed(0) ?? '-',
      r.node.toFixed(0),
      r.wrkCpu?.toFixed(1) ?? '-',
      r.nodeCpu.toFixed(1),
      `${r.foreignPct.toFixed(0)}%`,
    ]);
  }
}
const report = `# Metrics on ÷ off: throughput

\`pnpm bench metrics --rounds ${rounds} --seconds ${seconds} --connections ${connections} --workers ${workers}\`, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, commit ${commit()}.

${machineMarkdown(describeMachine())}
- App: bench/metrics/app.mjs (a fixed JSON answer), ${workers} worker(s) per server, a plain Node request listener.
- "on": \`--admin-bind 127.0.0.1:0\`, /metrics scraped once a second throughout; "off": no admin listener.
- Both servers run side by side for the whole benchmark and are loaded in turn, one at a time,
  in ${seconds} s slices (wrk, then the node client) whose order alternates between rounds; both
  had a 1 s warm load first. ${rounds} rounds.

## Medians (req/s)

${markdownTable(['client', 'metrics off', 'metrics on', 'on ÷ off', 'median of per-round ratios'], rows, {
  right: ['metrics off', 'metrics on', 'on ÷ off', 'median of per-round ratios'],
})}

## Server CPU per request (µs, master and workers; ratio: off ÷ on, the req/s it allows)

${markdownTable(['client', 'metrics off', 'metrics on', 'off ÷ on', 'median of per-round ratios'], cpuRows, {
  right: ['metrics off', 'metrics on', 'off ÷ on', 'median of per-round ratios'],
})}

## What metrics add per request, without the network

\`bench/metrics/overhead.mjs\` (the start stamp, the \`http.server.response.finish\` publish and our
subscriber, over fresh ServerResponse objects, median of 7 × 200,000): **${overhead.addedNsPerRequest} ns**
per request. Against the server CPU per request measured above with metrics off
(${cpuOff('wrk')} µs with wrk, ${cpuOff('node')} µs with the node client), that bounds the throughput
ratio of a CPU-bound server at ${bound('wrk')} (wrk) and ${bound('node')} (node client).

## Every slice

${markdownTable(['round', 'metrics', 'wrk req/s', 'node req/s', 'wrk µs/req', 'node µs/req', 'foreign CPU'], perRun, {
  right: ['wrk req/s', 'node req/s', 'wrk µs/req', 'node µs/req', 'foreign CPU'],
})}

"foreign CPU": the share of both cores used, during the round's slice, by processes other
than the benchmark and its servers (other work on this shared machine). Slices with a high
share are noisier, which is why the comparison rests on medians of alternating slices.
`;
writeFileSync(resultsFile, report);
console.log(`\n${report}\nwrote ${resultsFile}`);

/**
 * Throughput benchmark: tsunicorn (each dispatch mode) vs node:cluster vs PM2 cluster mode, with
 * 2 workers each, on a hello-world listener and on the Express example, under keep-alive traffic
 * and with a new connection per request (what a proxy without upstream keep-alive sends).
 *
 *   node bench/throughput/run.mjs [--rounds 3] [--seconds 5] [--connections 50]
 *                                 [--modes default] [--only tsunicorn,cluster,pm2]
 *                                 [--prime routes|none] [--out FILE]
 *
 * Rounds alternate the contenders' order; figures are medians over rounds, and every ratio is
 * against node:cluster measured in the same round. Load comes from wrk (`apt-get install wrk`).
 *
 * Before the load, every contender is sent the same requests for every route of the app
 * (`--prime routes`, the default; see bench/lib/prime.mjs for why).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeMachine, machineMarkdown, packageVersion } from '../lib/machine.mjs';
import { expressRequests, PRIME_HITS, prime } from '../lib/prime.mjs';
import { median } from '../lib/stats.mjs';
import { formatMs, markdownTable } from '../lib/table.mjs';
import { cluster } from '../reload/contenders/cluster.mjs';
import { pm2 } from '../reload/contenders/pm2.mjs';
import { tsunicornWith } from '../reload/contenders/tsunicorn.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    modes: { type: 'string', default: 'default' },
    only: { type: 'string', default: 'tsunicorn,cluster,pm2' },
    prime: { type: 'string', default: 'routes' },
    out: { type: 'string', default: join(ROOT, 'bench/results/throughput.md') },
  },
});

const APPS = [
  { name: 'hello world', path: fileURLToPath(new URL('./hello.mjs', import.meta.url)), route: '/' },
  {
    name: 'Express example',
    path: join(ROOT, 'examples/express/app.js'),
    route: '/health',
    requests: expressRequests,
  },
];
if (!['routes', 'none'].includes(opts.prime)) throw new Error(`--prime ${opts.prime}: expected routes or none`);

const SHAPES = [
  { name: 'keep-alive', headers: [] },
  { name: 'connection per request', headers: ['-H', 'Connection: close'] },
];

function contenders() {
  const only = opts.only.split(',');
  const list = [];
  if (only.includes('tsunicorn')) {
    for (const mode of opts.modes.split(',')) {
      list.push(mode === 'default' ? tsunicornWith('tsunicorn', []) : tsunicornWith(`tsunicorn --dispatch ${mode}`, ['--dispatch', mode]));
    }
  }
  if (only.includes('cluster')) list.push(cluster);
  if (only.includes('pm2')) list.push(pm2);
  return list;
}

/** utime + stime of a process, in seconds (Linux /proc). */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** RSS and PSS of a process in MB (Linux /proc/PID/smaps_rollup). */
function memory(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN);
    return { rss: kb('Rss') / 1024, pss: kb('Pss') / 1024 };
  } catch {
    return { rss: Number.NaN, pss: Number.NaN };
  }
}

/** One wrk run: requests per second, p50 and p99 in ms, and the request count. */
function wrk(url, headers) {
  const out = execFileSync('wrk', ['-t1', `-c${opts.connections}`, `-d${opts.seconds}s`, '--latency', ...headers, url], {
    encoding: 'utf8',
    timeout: (Number(opts.seconds) + 30) * 1000,
  });
  const unit = (value, u) => Number(value) * { us: 0.001, ms: 1, s: 1000 }[u];
  const latency = (p) => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    return m ? unit(m[1], m[2]) : Number.NaN;
  };
  const errors = /Socket errors: (.*)/.exec(out)?.[1] ?? null;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN),
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? 0),
    p50: latency(50),
    p99: latency(99),
    errors,
    non2xx,
  };
}

const WORKERS = 2;

async function measure(contender, app) {
  const server = await contender.start({ root: ROOT, appPath: app.path, workers: WORKERS });
  try {
    const url = `http://127.0.0.1:${server.port}${app.route}`;
    if (opts.prime === 'routes') await prime(server.port, WORKERS, app.requests);
    wrk(url, ['-d1s']); // warm the connection paths of every contender alike
    const { master, workers } = server.processes();
    const results = {};
    for (const shape of SHAPES) {
      const cpuBefore = cpuSeconds(master);
      const run = wrk(url, shape.headers);
      const masterCpuMs = (cpuSeconds(master) - cpuBefore) * 1000;
      results[shape.name] = { ...run, masterCpuPer10k: (masterCpuMs / run.requests) * 10_000 };
    }
    const workerMemory = workers.map(memory).filter((m) => Number.isFinite(m.rss));
    results.memory = {
      master: memory(master),
      worker: { rss: mean(workerMemory.map((m) => m.rss)), pss: mean(workerMemory.map((m) => m.pss)) },
    };
    return results;
  } finally {
    await server.stop();
  }
}

/** wrk prints its version and exits 1. */
function wrkVersion() {
  try {
    return execFileSync('wrk', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  } catch (err) {
    return String(err.stdout ?? '').split('\n')[0] || 'wrk';
  }
}

const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

async function main() {
  const list = contenders();
  const loadBefore = loadavg()[0];
  /** rounds[app][contender] = [result per round] */
  const byApp = new Map(APPS.map((a) => [a.name, new Map(list.map((c) => [c.name, []]))]));
  for (let round = 0; round < Number(opts.rounds); round++) {
    const order = round % 2 === 0 ? list : [...list].reverse();
    for (const app of APPS) {
      for (const contender of order) {
        process.stderr.write(`[throughput] round ${round + 1}: ${contender.name} on ${app.name}\n`);
        byApp
          .get(app.name)
          .get(contender.name)
          .push(await measure(contender, app));
      }
    }
  }
  const report = render(byApp, list, { loadBefore, loadAfter: loadavg()[0] });
  writeFileSync(opts.out, report);
  process.stdout.write(`${report}\nwrote ${opts.out}\n`);
}

/** Per round, a contender's figure divided by node:cluster's in the same round; the median of those. */
function ratio(runs, baseline, pick) {
  const ratios = runs.map((r, i) => pick(r) / pick(baseline[i]));
  return median(ratios);
}

function render(byApp, list, load) {
  const sections = [];
  for (const [appName, byContender] of byApp) {
    const baseline = byContender.get('node:cluster');
    for (const shape of SHAPES) {
      const rows = list.map((c) => {
        const runs = byContender.get(c.name);
        const at = (r) => r[shape.name];
        return [
          c.name,
          Math.round(median(runs.map((r) => at(r).rps))),
          baseline ? `${ratio(runs, baseline, (r) => at(r).rps).toFixed(2)}×` : '–',
          formatMs(median(runs.map((r) => at(r).p50))),
          formatMs(median(runs.map((r) => at(r).p99))),
          formatMs(median(runs.map((r) => at(r).masterCpuPer10k))),
          runs.map((r) => [at(r).errors, at(r).non2xx ? `${at(r).non2xx} non-2xx` : null].filter(Boolean).join('; ') || '0').join(' / '),
        ];
      });
      const headers = ['server', 'req/s', '÷ node:cluster', 'p50 ms', 'p99 ms', 'master CPU ms / 10k req', 'errors per round'];
      sections.push(`### ${appName}, ${shape.name}\n\n${markdownTable(headers, rows, { right: headers.slice(1, 6) })}`);
    }
    const memRows = list.map((c) => {
      const runs = byContender.get(c.name);
      const m = (pick) => median(runs.map((r) => pick(r.memory))).toFixed(0);
      const masterRatio = baseline ? `${ratio(runs, baseline, (r) => r.memory.master.rss).toFixed(2)}×` : '–';
      return [c.name, m((x) => x.master.rss), masterRatio, m((x) => x.master.pss), m((x) => x.worker.rss), m((x) => x.worker.pss)];
    });
    const memHeaders = ['server', 'master RSS MB', 'master RSS ÷ node:cluster', 'master PSS MB', 'worker RSS MB', 'worker PSS MB'];
    sections.push(`### ${appName}, memory after the runs\n\n${markdownTable(memHeaders, memRows, { right: memHeaders.slice(1) })}`);
  }
  const versions = `tsunicorn ${packageVersion('@tsunicorn/core', join(ROOT, 'examples/express'))}, pm2 ${packageVersion('pm2', ROOT)}, express ${packageVersion('express', join(ROOT, 'examples/express'))}`;
  return `# Throughput benchmark

\`node bench/throughput/run.mjs --rounds ${opts.rounds} --seconds ${opts.seconds} --connections ${opts.connections} --modes ${opts.modes} --prime ${opts.prime}\` (${new Date().toISOString().slice(0, 10)}).

${machineMarkdown(describeMachine())}
- Versions: ${versions}; ${wrkVersion()}
- The load generator and the servers share the same cores. 1-minute load average before the run ${load.loadBefore.toFixed(2)}, after it ${load.loadAfter.toFixed(2)} (other processes included).

## Method

- 2 workers for every server. tsunicorn: \`tsunicorn APP -w 2 -b 127.0.0.1:0\` in the app's directory (plus \`--dispatch MODE\` for a mode other than the default); node:cluster: \`bench/reload/cluster-server.mjs\` (round-robin in the primary, Node's default); PM2: cluster mode, 2 instances (\`bench/reload/contenders/pm2.mjs\`).
- ${opts.prime === 'routes' ? `Priming: before the load, every contender is sent the same requests for every route of the app, ${PRIME_HITS} times per worker, each on a new connection (\`bench/throughput/express-requests.json\` for the Express example; hello world has one route). A server in production has served its routes; an app whose routes have run holds more of itself (the Express example's /report module keeps 20,000 rows, ~4.5 MB of live heap) and has wider type feedback. tsunicorn's warm-up has run every route already, so without the priming the others would be measured on an app that has loaded less of itself.` : "No priming (`--prime none`): tsunicorn's workers have run every route in their warm-up, the other contenders only the measured one, so the app differs between them (see the priming note in the default report)."}
- Each measurement: a fresh server, 1 s of load not counted, then \`wrk -t1 -c${opts.connections} -d${opts.seconds}s --latency\` keep-alive, then the same with \`-H 'Connection: close'\` (a new connection per request).
- ${opts.rounds} rounds, the contenders' order reversed every other round. req/s, p50 and p99 are medians over rounds; ratios are medians of each round's ratio to node:cluster in that round.
- Master CPU: utime + stime of the process that accepts connections (tsunicorn's master, the node:cluster primary, PM2's daemon) during the run, per 10,000 requests. Memory: RSS and PSS from /proc/PID/smaps_rollup after the runs; worker figures are means over the workers.

## Results

${sections.join('\n\n')}
`;
}

await main();

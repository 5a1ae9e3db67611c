/**
 * Throughput benchmark: tsunicorn (each dispatch mode) vs node:cluster vs PM2 cluster mode, with
 * 2 workers each, on a hello-world listener and on the Express example, under keep-alive traffic
 * and with a new connection per request (what a proxy without upstream keep-alive sends).
 *
 *   node bench/throughput/run.mjs [--rounds 3] [--slices 3] [--seconds 3] [--connections 50]
 *                                 [--modes default] [--only tsunicorn,cluster,pm2]
 *                                 [--prime routes|none] [--generator wrk|hey] [--out FILE]
 *
 * In each round every contender runs side by side and is measured in turns, so that load on the
 * machine that drifts falls on all alike; figures are medians over turns, and every ratio is
 * against node:cluster measured in the same round and turn. Load comes from wrk, or from hey to
 * check a figure with a second, independent generator (bench/lib/generators.mjs).
 *
 * Before the load, every contender is sent the same requests for every route of the app
 * (`--prime routes`, the default; see bench/lib/prime.mjs for why).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GENERATORS, generatorVersion, runLoad } from '../lib/generators.mjs';
import { describeMachine, machineMarkdown, packageVersion } from '../lib/machine.mjs';
import { expressRequests, PRIME_HITS, prime } from '../lib/prime.mjs';
import { median, percentile } from '../lib/stats.mjs';
import { formatMs, markdownTable } from '../lib/table.mjs';
import { cluster } from '../reload/contenders/cluster.mjs';
import { pm2 } from '../reload/contenders/pm2.mjs';
import { tsunicornWith } from '../reload/contenders/tsunicorn.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '3' },
    slices: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    modes: { type: 'string', default: 'default' },
    only: { type: 'string', default: 'tsunicorn,cluster,pm2' },
    prime: { type: 'string', default: 'routes' },
    generator: { type: 'string', default: 'wrk' },
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
if (!GENERATORS.includes(opts.generator)) throw new Error(`--generator ${opts.generator}: expected ${GENERATORS.join(' or ')}`);

/** A load of the configured generator, connections and length. */
const sendLoad = (url, { close = false, seconds = Number(opts.seconds) } = {}) =>
  runLoad(opts.generator, url, { seconds, connections: Number(opts.connections), close });

const SHAPES = [
  { name: 'keep-alive', close: false },
  { name: 'connection per request', close: true },
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

const WORKERS = 2;

/**
 * One round on one app: every contender started side by side and primed, then measured in turns
 * of `--seconds` each, `--slices` turns per traffic shape, the order reversed every other turn.
 * Load on the machine that drifts during a round then falls on every contender alike. Returns,
 * per contender, one sample per turn: both shapes' figures and the memory after the round.
 */
async function measureRound(app, order) {
  const servers = [];
  try {
    for (const contender of order) {
      process.stderr.write(`[throughput] starting ${contender.name} on ${app.name}\n`);
      servers.push({ contender, server: await contender.start({ root: ROOT, appPath: app.path, workers: WORKERS }) });
    }
    for (const { server } of servers) {
      if (opts.prime === 'routes') await prime(server.port, WORKERS, app.requests);
      await sendLoad(urlOf(server, app), { seconds: 1 }); // warm the connection paths of every contender alike
    }
    const samples = new Map(servers.map(({ contender }) => [contender.name, Array.from({ length: Number(opts.slices) }, () => ({}))]));
    for (const shape of SHAPES) {
      for (let slice = 0; slice < Number(opts.slices); slice++) {
        for (const { contender, server } of slice % 2 === 0 ? servers : [...servers].reverse()) {
          const { master, workers } = server.processes();
          const cpuBefore = cpuSeconds(master);
          const workersBefore = sum(workers.map(cpuSeconds));
          const measured = await sendLoad(urlOf(server, app), { close: shape.close });
          const masterCpuMs = (cpuSeconds(master) - cpuBefore) * 1000;
          const workerCpuUs = (sum(workers.map(cpuSeconds)) - workersBefore) * 1e6;
          samples.get(contender.name)[slice][shape.name] = {
            ...measured,
            masterCpuPer10k: (masterCpuMs / measured.requests) * 10_000,
            workerCpuPerRequest: workerCpuUs / measured.requests,
          };
        }
      }
    }
    for (const { contender, server } of servers) {
      const { master, workers } = server.processes();
      const workerMemory = workers.map(memory).filter((m) => Number.isFinite(m.rss));
      const after = {
        master: memory(master),
        worker: { rss: mean(workerMemory.map((m) => m.rss)), pss: mean(workerMemory.map((m) => m.pss)) },
      };
      for (const sample of samples.get(contender.name)) sample.memory = after;
    }
    return samples;
  } finally {
    for (const { server } of servers) await server.stop();
  }
}

const urlOf = (server, app) => `http://127.0.0.1:${server.port}${app.route}`;

const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const mean = (xs) => (xs.length ? sum(xs) / xs.length : Number.NaN);

async function main() {
  const list = contenders();
  const loadBefore = loadavg()[0];
  /** byApp[app][contender] = [one sample per turn, round after round] */
  const byApp = new Map(APPS.map((a) => [a.name, new Map(list.map((c) => [c.name, []]))]));
  for (let round = 0; round < Number(opts.rounds); round++) {
    const order = round % 2 === 0 ? list : [...list].reverse();
    for (const app of APPS) {
      process.stderr.write(`[throughput] round ${round + 1} on ${app.name}\n`);
      const samples = await measureRound(app, order);
      for (const contender of list)
        byApp
          .get(app.name)
          .get(contender.name)
          .push(...samples.get(contender.name));
    }
  }
  const report = render(byApp, list, { loadBefore, loadAfter: loadavg()[0] });
  writeFileSync(opts.out, report);
  process.stdout.write(`${report}\nwrote ${opts.out}\n`);
}

/** Per turn, a contender's figure divided by node:cluster's in the same round and turn. */
function turnRatios(runs, baseline, pick) {
  return runs.map((r, i) => pick(r) / pick(baseline[i]));
}

/** The median of the per-turn ratios. */
function ratio(runs, baseline, pick) {
  return median(turnRatios(runs, baseline, pick));
}

/** The interquartile range of the per-turn ratios, as `0.95–1.02`: how far one turn can be trusted. */
function ratioSpread(runs, baseline, pick) {
  const sorted = turnRatios(runs, baseline, pick).sort((a, b) => a - b);
  return `${percentile(sorted, 25).toFixed(2)}–${percentile(sorted, 75).toFixed(2)}`;
}

/** One line per contender with its per-turn throughput ratios, in order, a group per round. */
function turnList(list, byContender, baseline, at) {
  return list
    .filter((c) => byContender.get(c.name) !== baseline)
    .map(
      (c) =>
        `- ${c.name}: ${turnRatios(byContender.get(c.name), baseline, (r) => at(r).rps)
          .map((x, i) => `${i > 0 && i % Number(opts.slices) === 0 ? '| ' : ''}${x.toFixed(2)}`)
          .join(' ')}`,
    )
    .join('\n');
}

/** The turns' errors and non-2xx answers, or `0` when there were none. */
function errorsOf(turns) {
  const found = turns.flatMap((t, i) => {
    const what = [t.errors, t.non2xx ? `${t.non2xx} non-2xx` : null].filter(Boolean).join('; ');
    return what ? [`turn ${i + 1}: ${what}`] : [];
  });
  return found.length > 0 ? found.join(' / ') : '0';
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
          baseline ? ratioSpread(runs, baseline, (r) => at(r).rps) : '–',
          formatMs(median(runs.map((r) => at(r).p50))),
          formatMs(median(runs.map((r) => at(r).p99))),
          formatMs(median(runs.map((r) => at(r).masterCpuPer10k))),
          formatMs(median(runs.map((r) => at(r).workerCpuPerRequest))),
          errorsOf(runs.map(at)),
        ];
      });
      const headers = [
        'server',
        'req/s',
        '÷ node:cluster',
        'middle half of turns',
        'p50 ms',
        'p99 ms',
        'master CPU ms / 10k req',
        'workers CPU µs / req',
        'errors',
      ];
      const perRound = baseline
        ? `\n\nPer turn, req/s ÷ node:cluster's in the same turn (rounds apart by \`|\`):\n\n${turnList(list, byContender, baseline, (r) => r[shape.name])}`
        : '';
      sections.push(`### ${appName}, ${shape.name}\n\n${markdownTable(headers, rows, { right: headers.slice(1, 8) })}${perRound}`);
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

\`node bench/throughput/run.mjs --rounds ${opts.rounds} --slices ${opts.slices} --seconds ${opts.seconds} --connections ${opts.connections} --modes ${opts.modes} --prime ${opts.prime} --generator ${opts.generator}\` (${new Date().toISOString().slice(0, 10)}).

${machineMarkdown(describeMachine())}
- Versions: ${versions}; ${generatorVersion(opts.generator)}
- The load generator and the servers share the same cores. 1-minute load average before the run ${load.loadBefore.toFixed(2)}, after it ${load.loadAfter.toFixed(2)} (other processes included).

## Method

- 2 workers for every server. tsunicorn: \`tsunicorn APP -w 2 -b 127.0.0.1:0\` in the app's directory (plus \`--dispatch MODE\` for a mode other than the default); node:cluster: \`bench/reload/cluster-server.mjs\` (round-robin in the primary, Node's default); PM2: cluster mode, 2 instances (\`bench/reload/contenders/pm2.mjs\`).
- ${opts.prime === 'routes' ? `Priming: before the load, every contender is sent the same requests for every route of the app, ${PRIME_HITS} times per worker, each on a new connection (\`bench/throughput/express-requests.json\` for the Express example; hello world has one route). A server in production has served its routes; an app whose routes have run holds more of itself (the Express example's /report module keeps 20,000 rows, ~4.5 MB of live heap) and has wider type feedback. tsunicorn's warm-up has run every route already, so without the priming the others would be measured on an app that has loaded less of itself.` : "No priming (`--prime none`): tsunicorn's workers have run every route in their warm-up, the other contenders only the measured one, so the app differs between them (see the priming note in the default report)."}
- Each round, for each app: every contender started side by side (fresh processes), primed, and given 1 s of load not counted; then ${opts.slices} turns per traffic shape, in each of which every contender in turn gets ${opts.generator === 'wrk' ? `\`wrk -t1 -c${opts.connections} -d${opts.seconds}s --latency\` keep-alive, then the same with \`-H 'Connection: close'\`` : `\`hey -z ${opts.seconds}s -c ${opts.connections} -cpus 1\` keep-alive, then the same with \`-disable-keepalive\``} (a new connection per request), the order reversed every other turn and every other round. Load on the machine that drifts during a round so falls on every contender alike.
- ${opts.rounds} rounds of ${opts.slices} turns. req/s, p50 and p99 are medians over turns; ratios are medians of each turn's ratio to node:cluster in the same turn, and "middle half of turns" is the interquartile range of those ratios. Two fresh processes of the same server differ by several percent (JIT decisions, memory layout, where the scheduler puts them on 2 shared cores), so one turn's ratio says little; the median over many is the figure.
- Master CPU: utime + stime of the process that accepts connections (tsunicorn's master, the node:cluster primary, PM2's daemon) during its turns, per 10,000 requests. Workers' CPU: utime + stime of all workers (every thread: the main thread, V8's GC and compiler threads, tsunicorn's watchdog) during the turn, divided by the requests served; two servers given the same share of the cores differ in req/s by what they spend per request. Memory: RSS and PSS from /proc/PID/smaps_rollup after the runs; worker figures are means over the workers.

## Results

${sections.join('\n\n')}
`;
}

await main();

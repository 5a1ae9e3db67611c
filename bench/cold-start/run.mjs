/**
 * `pnpm bench cold-start [--runs 5] [--apps express,fastify,nest] [--node PATH]`
 *
 * How slow is the first request a freshly started worker serves, against that route's steady
 * state? For each example app: tsunicorn, and the same app under node:cluster with plain
 * listen(), each started fresh `--runs` times, alternating. Prints a markdown report and
 * writes it to bench/results/cold-start.md (one section per Node major version).
 * See the header of that file, written by report.mjs, for the method.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describeMachine } from '../lib/machine.mjs';
import { aggregateRuns } from './aggregate.mjs';
import { APP_NAMES, CLI, describeApp, ROOT } from './apps.mjs';
import { warmClient } from './client-warmup.mjs';
import { CONTENDERS } from './contenders.mjs';
import { discoverRequests } from './discover.mjs';
import { measureServer } from './measure.mjs';
import { renderSection, writeResults } from './report.mjs';
import { stopAllServers } from './server-process.mjs';

const USAGE = `usage: pnpm bench cold-start [options]
  --runs N            fresh starts per server per app (default 5)
  --apps LIST         comma-separated: ${APP_NAMES.join(',')} (default all)
  --node PATH         node binary that runs the servers (default: this one)
  --workers N         workers per server (default 2)
  --passes N          steady passes after the first request (default 30)
  --steady N          passes the steady median is taken from, the last ones (default 20)
  --connect-wait MS   pause between connecting and the first request (default 100)
  --idle MS           pause before each route's first request and before its warm-after-idle
                      control on the warm server (default 0: no per-route control)
  --node-env VALUE    NODE_ENV for the servers (default production)
  --tsunicorn-args=S  extra CLI arguments for tsunicorn, e.g. --tsunicorn-args="--warmup-hits 10"
  --label TEXT        name of a variant (e.g. "Nest with a config"): its own section in the results file
  --out FILE          results file (default bench/results/cold-start.md)
  --no-write          print only`;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string', default: '5' },
      apps: { type: 'string', default: APP_NAMES.join(',') },
      node: { type: 'string', default: process.execPath },
      workers: { type: 'string', default: '2' },
      passes: { type: 'string', default: '30' },
      steady: { type: 'string', default: '20' },
      'connect-wait': { type: 'string', default: '100' },
      idle: { type: 'string', default: '0' },
      'node-env': { type: 'string', default: 'production' },
      'tsunicorn-args': { type: 'string', default: '' },
      label: { type: 'string', default: '' },
      out: { type: 'string', default: join(ROOT, 'bench/results/cold-start.md') },
      'no-write': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name, min) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${values[name]}\n${USAGE}`);
    return n;
  };
  const options = {
    runs: int('runs', 1),
    apps: values.apps.split(',').filter(Boolean),
    // Servers start in their app's directory: a relative path would not find the binary there.
    node: resolve(values.node),
    workers: int('workers', 1),
    passes: int('passes', 1),
    steady: int('steady', 1),
    connectWaitMs: int('connect-wait', 0),
    idleMs: int('idle', 0),
    nodeEnv: values['node-env'],
    tsunicornArgs: values['tsunicorn-args'].split(/\s+/).filter(Boolean).map(absoluteIfFile),
    label: values.label,
    out: values.out,
    write: !values['no-write'],
  };
  if (options.steady > options.passes) throw new Error(`--steady (${options.steady}) cannot exceed --passes (${options.passes})`);
  return options;
}

/** tsunicorn runs in the app's directory: a file argument given relative to here must still be found. */
function absoluteIfFile(arg) {
  return !arg.startsWith('-') && existsSync(arg) ? resolve(arg) : arg;
}

/** The servers' environment: this one, minus any TSUNICORN_* setting that would change the run. */
function serverEnv(nodeEnv) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TSUNICORN_')));
  return { ...env, NODE_ENV: nodeEnv };
}

const progress = (line) => process.stderr.write(`${line}\n`);

/** One fresh start of one contender: start, measure every worker, stop. */
async function runOnce(contender, app, requests, options, env) {
  const started = await contender.start({ app, node: options.node, env, workers: options.workers, extraArgs: options.tsunicornArgs });
  try {
    const { samples, duplicates } = await measureServer(started.server, requests, {
      workers: options.workers,
      passes: options.passes,
      steadyPasses: options.steady,
      connectWaitMs: options.connectWaitMs,
      idleMs: options.idleMs,
    });
    return { samples, duplicates, startToReadyMs: started.startToReadyMs, warmupMs: started.warmupMs };
  } finally {
    await started.server.stop();
  }
}

function describeStart(start) {
  const idle = (s) =>
    s.medianIdleRatio === undefined
      ? ''
      : `; ÷ idle control ${s.medianIdleRatio.toFixed(2)}× (worst ${s.worstIdleRatio.toFixed(1)}× ${s.worstIdleRoute})`;
  const each = start.samples.map((s) => `${s.medianRatio.toFixed(2)}× (worst ${s.worstRatio.toFixed(1)}× ${s.worstRoute})${idle(s)}`);
  const dup = start.duplicates ? `, ${start.duplicates} connection(s) shared a worker and were dropped` : '';
  return `median per worker ${each.join(', ')}; start → ready ${Math.round(start.startToReadyMs)} ms${dup}`;
}

async function benchApp(app, options, env) {
  progress(`\n${app.name}: ${app.requests ? 'requests from bench-requests.json' : 'discovering routes'} (${app.spec})`);
  const { requests, skipped } = app.requests
    ? { requests: app.requests, skipped: [] }
    : await discoverRequests({ node: options.node, cli: CLI, app: app.spec, cwd: app.dir, env, extraArgs: options.tsunicornArgs });
  progress(`${app.name}: ${requests.length} requests to measure`);
  const starts = new Map(CONTENDERS.map((c) => [c.name, []]));
  for (let i = 0; i < options.runs; i++) {
    // Alternate which server goes first, so neither always runs on a machine the other just left.
    const order = i % 2 === 0 ? CONTENDERS : [...CONTENDERS].reverse();
    for (const contender of order) {
      const start = await runOnce(contender, app, requests, options, env);
      starts.get(contender.name).push(start);
      progress(`${app.name} run ${i + 1}/${options.runs} ${contender.name}: ${describeStart(start)}`);
    }
  }
  const results = CONTENDERS.map((c) => ({ contender: c.name, summary: aggregateRuns(starts.get(c.name)) }));
  return { name: app.name, requestCount: requests.length, skipped, mismatches: findMismatches(results), results };
}

/** Routes that answered with different statuses under the two servers: they would not compare like with like. */
function findMismatches(results) {
  const [a, b] = results.map((r) => r.summary.perRoute);
  return a
    .map((ra, i) => ({ ra, rb: b[i] }))
    .filter(({ ra, rb }) => ra.statuses.join() !== rb.statuses.join())
    .map(
      ({ ra, rb }) =>
        `\`${ra.route}\` answered ${ra.statuses.join('/')} under ${results[0].contender}, ${rb.statuses.join('/')} under ${results[1].contender}`,
    );
}

function versions(apps) {
  const core = JSON.parse(readFileSync(join(ROOT, 'packages/core/package.json'), 'utf8')).version;
  const frameworks = Object.fromEntries(apps.map((a) => [a.framework, a.frameworkVersion]));
  return { tsunicorn: core, ...frameworks };
}

/** One section per Node major version and variant: `node-v20`, `node-v24-nest-with-a-config`. */
function sectionKey(nodeVersion, label) {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return [`node-${nodeVersion.split('.')[0]}`, slug].filter(Boolean).join('-');
}

function commandLine(argv) {
  const shown = argv.map((a) => (a.startsWith(ROOT) ? relative(ROOT, a) : a));
  return ['pnpm bench cold-start', ...shown].join(' ');
}

async function main() {
  const argv = process.argv.slice(2);
  let options;
  try {
    options = parseOptions(argv);
  } catch (err) {
    console.error(err.message);
    process.exitCode = 2;
    return;
  }
  const env = serverEnv(options.nodeEnv);
  const nodeVersion = execFileSync(options.node, ['--version'], { encoding: 'utf8' }).trim();
  progress(`cold-start: servers on Node ${nodeVersion}, ${options.runs} run(s) per server per app`);
  const loadBefore = loadavg()[0];
  await warmClient();
  const apps = [];
  const skippedApps = [];
  const described = [];
  for (const name of options.apps) {
    const app = describeApp(name);
    if (!app.ok) {
      progress(`${name}: skipped — ${app.why}`);
      skippedApps.push(app);
      continue;
    }
    described.push(app);
    try {
      apps.push(await benchApp(app, options, env));
    } catch (err) {
      progress(`${name}: skipped — ${err.message}`);
      skippedApps.push({ name, why: err.message.split('\n')[0] });
    }
  }
  const section = renderSection({
    nodeVersion,
    machine: describeMachine(),
    options,
    command: commandLine(argv),
    date: new Date().toISOString().slice(0, 10),
    versions: versions(described),
    apps,
    skippedApps,
    load: [loadBefore, loadavg()[0]],
  });
  console.log(`\n${section}`);
  if (options.write && apps.length > 0) {
    writeResults(options.out, sectionKey(nodeVersion, options.label), section);
    progress(`\nwrote ${relative(process.cwd(), options.out) || options.out}`);
  }
  if (apps.length < options.apps.length) process.exitCode = 1;
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    void stopAllServers().finally(() => process.exit(130));
  });
}

try {
  await main();
} finally {
  await stopAllServers();
}

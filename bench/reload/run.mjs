/**
 * Reload benchmark: tsunicorn HUP vs PM2 cluster `pm2 reload` (wait_ready) vs a hand-written
 * node:cluster HUP reload, same app, same load, one after another in one run.
 *
 *   node bench/reload/run.mjs [--rate 2000,max] [--reloads 5] [--connections 50]
 *                             [--only tsunicorn,pm2,cluster] [--app PATH] [--path /health]
 *                             [--workers 2] [--quiet-wait 15] [--out FILE | --no-write]
 *
 * Prints a markdown table per rate and writes bench/results/reload.md (only when every
 * contender ran, unless --out is given). Build the core first (`pnpm bench reload` does).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeMachine, packageVersion } from '../lib/machine.mjs';
import { cluster } from './contenders/cluster.mjs';
import { pm2 } from './contenders/pm2.mjs';
import { tsunicorn } from './contenders/tsunicorn.mjs';
import { rateLabel, rateNotes, rateTable, resultsMarkdown, targetLine } from './report.mjs';
import { runScenario } from './scenario.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONTENDERS = { tsunicorn, pm2, cluster };
const DEFAULT_APP = join(ROOT, 'examples/express/app.js');

const USAGE = `usage: node bench/reload/run.mjs [--rate 2000,max] [--reloads 5] [--connections 50]
       [--only tsunicorn,pm2,cluster] [--app PATH] [--path /health] [--workers 2] [--quiet-wait 15] [--out FILE | --no-write]`;

await main();

async function main() {
  const options = readOptions();
  const contenders = options.only.map((name) => CONTENDERS[name]);
  const parameters = describeParameters(options);
  const began = Date.now();
  const progress = (text) => console.error(`[reload ${((Date.now() - began) / 1000).toFixed(0).padStart(3)} s] ${text}`);
  progress(`app ${parameters.app} ${options.path}; rates ${options.rates.map(rateLabel).join(', ')}; ${options.reloads} reloads`);
  const loadBefore = loadavg()[0];
  const byRate = [];
  for (const rate of options.rates) {
    const runs = [];
    for (const contender of contenders) {
      progress(`── ${contender.name} at ${rateLabel(rate)}`);
      try {
        runs.push({ contender, outcome: await runScenario(contender, { ...options, rate, progress }) });
      } catch (error) {
        progress(`${contender.name} failed: ${error.stack}`);
        runs.push({ contender, error });
      }
    }
    byRate.push({ rate, runs });
    console.log(`\n### ${rateLabel(rate)}\n\n${rateTable(runs)}\n\n${targetLine(runs)}\n\n${rateNotes(runs, rate)}\n`);
  }
  const machineLoad = { before: loadBefore, after: loadavg()[0] };
  writeResults(options, { parameters, contenders, byRate, machineLoad });
  if (byRate.some(({ runs }) => runs.some((r) => r.error))) process.exitCode = 1;
}

function readOptions() {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '2000,max' },
      reloads: { type: 'string', default: '5' },
      connections: { type: 'string', default: '50' },
      workers: { type: 'string', default: '2' },
      only: { type: 'string', default: Object.keys(CONTENDERS).join(',') },
      app: { type: 'string' },
      path: { type: 'string', default: '/health' },
      out: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      'quiet-wait': { type: 'string', default: '15' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const only = list(values.only);
  const unknown = only.filter((name) => !CONTENDERS[name]);
  if (unknown.length > 0) fail(`--only: unknown contender ${unknown.join(', ')}; known: ${Object.keys(CONTENDERS).join(', ')}`);
  return {
    root: ROOT,
    appPath: appPath(values.app),
    path: values.path,
    rates: list(values.rate).map(parseRate),
    reloads: positiveInt(values.reloads, '--reloads'),
    connections: positiveInt(values.connections, '--connections'),
    workers: positiveInt(values.workers, '--workers'),
    only,
    out: values['no-write']
      ? null
      : (values.out ?? (only.length === Object.keys(CONTENDERS).length ? join(ROOT, 'bench/results/reload.md') : null)),
    settleMs: 3000,
    gapMs: 3000,
    tailMs: 1000,
    warmInMs: 1000,
    quietWaitMs: nonNegative(values['quiet-wait'], '--quiet-wait') * 1000,
  };
}

/**
 * The app module: --app, or the Express example. Its default export must be a request listener
 * (an Express app), and tsunicorn must be able to resolve @tsunicorn/express from its directory.
 */
function appPath(option) {
  const path = resolve(option ?? DEFAULT_APP);
  if (!existsSync(path)) fail(`--app: ${path} does not exist`);
  return path;
}

function describeParameters(options) {
  return {
    app: relative(ROOT, options.appPath),
    path: options.path,
    workers: options.workers,
    connections: options.connections,
    reloads: options.reloads,
    settleS: options.settleMs / 1000,
    gapS: options.gapMs / 1000,
    tailS: options.tailMs / 1000,
    warmInS: options.warmInMs / 1000,
    quietWaitS: options.quietWaitMs / 1000,
  };
}

function writeResults(options, { parameters, contenders, byRate, machineLoad }) {
  if (!options.out) return console.error('[reload] results file not written (not every contender ran; use --out FILE)');
  const appDir = dirname(options.appPath);
  const versions = {
    tsunicorn: JSON.parse(readFileSync(join(ROOT, 'packages/core/package.json'), 'utf8')).version,
    pm2: packageVersion('pm2', ROOT),
    express: packageVersion('express', appDir),
  };
  const command = `node bench/reload/run.mjs ${process.argv.slice(2).join(' ')}`.trim();
  const markdown = resultsMarkdown({
    command,
    date: new Date().toISOString().slice(0, 10),
    machine: describeMachine(),
    machineLoad,
    versions,
    parameters,
    contenders,
    byRate,
  });
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, markdown);
  console.error(`[reload] wrote ${relative(process.cwd(), options.out)}`);
}

function parseRate(text) {
  if (text === 'max' || text === 'full') return Number.POSITIVE_INFINITY;
  return positiveInt(text, '--rate');
}

function positiveInt(text, flag) {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    fail(`${flag}: expected a positive integer${flag === '--rate' ? ' or "max"' : ''}, got "${text}"`);
  return value;
}

function nonNegative(text, flag) {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) fail(`${flag}: expected a number of seconds ≥ 0, got "${text}"`);
  return value;
}

function list(text) {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function fail(message) {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

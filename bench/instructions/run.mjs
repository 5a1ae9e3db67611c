/**
 * Instructions per request in the worker: tsunicorn (default mode) vs node:cluster, one worker
 * each under valgrind's callgrind, which counts instructions rather than time. The count is the
 * same from run to run within about 1%, whatever else the machine is doing, so it shows a
 * difference of 1–2% per request that wall-clock throughput on a shared machine cannot.
 *
 *   node bench/instructions/run.mjs [--requests 4000] [--windows 3] [--out FILE]
 *
 * Each server is started with a preload that points its process.execPath at a valgrind wrapper,
 * so the worker it forks (node:cluster's and tsunicorn's both fork process.execPath) runs under
 * callgrind with instrumentation off. Then: priming (bench/lib/prime.mjs), 3,000 requests
 * uninstrumented, instrumentation on, 500 requests, and `--windows` windows of `--requests`
 * requests from hey, each counted from zero. Figures are medians over the windows, for the
 * worker's main thread and for all its threads (V8's GC and compiler threads, the watchdog).
 * Needs valgrind and hey (`apt-get install valgrind hey`).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeMachine, machineMarkdown, packageVersion } from '../lib/machine.mjs';
import { expressRequests, prime } from '../lib/prime.mjs';
import { findFreePort, pollUntil, spawnLogged, stopProcess } from '../lib/process.mjs';
import { median } from '../lib/stats.mjs';
import { markdownTable } from '../lib/table.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { values: opts } = parseArgs({
  options: {
    requests: { type: 'string', default: '4000' },
    windows: { type: 'string', default: '3' },
    out: { type: 'string', default: join(ROOT, 'bench/results/instructions.md') },
  },
});
const REQUESTS = Number(opts.requests);
const WINDOWS = Number(opts.windows);

const APPS = [
  { name: 'hello world', dir: join(ROOT, 'bench/throughput'), file: 'hello.mjs', route: '/', requests: [] },
  { name: 'Express example', dir: join(ROOT, 'examples/express'), file: 'app.js', route: '/health', requests: expressRequests },
];
const SHAPES = [
  { name: 'keep-alive', hey: [] },
  { name: 'connection per request', hey: ['-disable-keepalive'] },
];
const CONTENDERS = [
  {
    name: 'tsunicorn',
    args: (app, port) => [
      join(ROOT, 'packages/core/dist/cli.js'),
      app.file,
      ...['-w', '1', '-b', `127.0.0.1:${port}`, '--boot-timeout', '300', '--warmup-timeout', '300', '--timeout', '120'],
    ],
    env: () => ({}),
  },
  {
    name: 'node:cluster',
    args: () => [join(ROOT, 'bench/reload/cluster-server.mjs')],
    env: (app, port) => ({ BENCH_APP: app.file, BENCH_PORT: String(port), BENCH_WORKERS: '1' }),
  },
];

const work = mkdtempSync(join(tmpdir(), 'tsu-instructions-'));
const wrapper = join(work, 'node-under-callgrind');
writeFileSync(
  wrapper,
  `#!/bin/sh\nexec valgrind --tool=callgrind --smc-check=all-non-file --instr-atstart=no --separate-threads=yes --callgrind-out-file=${work}/cg.%p.out ${process.execPath} "$@"\n`,
);
chmodSync(wrapper, 0o755);
const preload = join(work, 'fork-under-callgrind.cjs');
// Only the process started here swaps its execPath; its children inherit the variable set first.
writeFileSync(
  preload,
  "if (!process.env.TSU_BENCH_FORKED) { process.env.TSU_BENCH_FORKED = '1'; process.execPath = process.env.TSU_BENCH_WRAPPER; }\n",
);

function hey(port, route, n, extra) {
  const out = execFileSync('hey', ['-n', String(n), '-c', '10', ...extra, `http://127.0.0.1:${port}${route}`], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  const ok = Number(/\[200\]\s+(\d+) responses/.exec(out)?.[1] ?? 0);
  if (ok !== n) throw new Error(`hey: ${ok} of ${n} responses were 200:\n${out}`);
}

/** callgrind_control: `-i on` turns instrumentation on, `-z` zeroes the counts, `-d` dumps them. */
function callgrind(command, pid) {
  execFileSync('callgrind_control', [...command, String(pid)], { stdio: 'ignore', timeout: 60_000 });
}

/** Instructions of one dumped window: [main thread, all threads]. */
function dumped(pid, window) {
  const files = readdirSync(work).filter((f) => f.startsWith(`cg.${pid}.out.${window}-`));
  const total = (f) => Number(/^summary: (\d+)/m.exec(readFileSync(join(work, f), 'utf8'))?.[1] ?? 0);
  const main = files.find((f) => f.endsWith('-01'));
  return [main ? total(main) : Number.NaN, files.reduce((sum, f) => sum + total(f), 0)];
}

async function measure(contender, app, shape) {
  const port = await findFreePort();
  const server = spawnLogged(process.execPath, ['-r', preload, ...contender.args(app, port)], {
    cwd: app.dir,
    env: { ...contender.env(app, port), TSU_BENCH_WRAPPER: wrapper },
    name: contender.name,
  });
  try {
    await pollUntil(() => fetch(`http://127.0.0.1:${port}${app.route}`).then((r) => r.ok), {
      timeoutMs: 300_000,
      intervalMs: 500,
      what: `${contender.name} serving ${app.name}`,
    });
    const pid = Number(
      execFileSync('pgrep', ['-P', String(server.pid)], { encoding: 'utf8' })
        .trim()
        .split('\n')[0],
    );
    await prime(port, 1, app.requests);
    hey(port, app.route, 3000, shape.hey);
    callgrind(['-i', 'on'], pid);
    hey(port, app.route, 500, shape.hey);
    const windows = [];
    for (let w = 1; w <= WINDOWS; w++) {
      callgrind(['-z'], pid);
      hey(port, app.route, REQUESTS, shape.hey);
      callgrind(['-d'], pid);
      windows.push(dumped(pid, w).map((n) => n / REQUESTS));
    }
    if (windows.some(([main]) => !(main > 0))) throw new Error(`${contender.name}: callgrind counted nothing in a window`);
    return { main: windows.map((w) => w[0]), all: windows.map((w) => w[1]) };
  } finally {
    await stopProcess(server, { signal: 'SIGTERM', timeoutMs: 30_000 });
    for (const f of readdirSync(work)) if (f.startsWith('cg.')) rmSync(join(work, f));
  }
}

const thousands = (n) => `${(n / 1000).toFixed(1)}k`;

async function main() {
  const rows = [];
  for (const app of APPS) {
    for (const shape of SHAPES) {
      const results = {};
      for (const contender of CONTENDERS) {
        process.stderr.write(`[instructions] ${contender.name}, ${app.name}, ${shape.name}\n`);
        results[contender.name] = await measure(contender, app, shape);
      }
      const t = results.tsunicorn;
      const c = results['node:cluster'];
      rows.push([
        `${app.name}, ${shape.name}`,
        t.main.map(thousands).join(' / '),
        c.main.map(thousands).join(' / '),
        `${(median(t.main) / median(c.main)).toFixed(3)}×`,
        `${(median(t.all) / median(c.all)).toFixed(3)}×`,
      ]);
    }
  }
  const headers = [
    'app, traffic',
    'tsunicorn main thread',
    'node:cluster main thread',
    'main ÷ node:cluster',
    'all threads ÷ node:cluster',
  ];
  const report = `# Instructions per request in the worker

\`node bench/instructions/run.mjs --requests ${REQUESTS} --windows ${WINDOWS}\` (${new Date().toISOString().slice(0, 10)}).

${machineMarkdown(describeMachine())}
- Versions: tsunicorn ${packageVersion('@tsunicorn/core', join(ROOT, 'examples/express'))}, express ${packageVersion('express', join(ROOT, 'examples/express'))}; ${execFileSync('valgrind', ['--version'], { encoding: 'utf8' }).trim()}.

## Method

- One worker each, under callgrind (instructions, not time): tsunicorn \`-w 1\` in its default mode, node:cluster \`bench/reload/cluster-server.mjs\`. Every route of the app requested first (bench/lib/prime.mjs), 3,000 requests uninstrumented, 500 instrumented, then ${WINDOWS} windows of ${REQUESTS} requests (\`hey -c 10\`, \`-disable-keepalive\` for a connection per request), each counted from zero.
- Per request: the worker's main thread (its JavaScript, Node and V8 on it), and all its threads together (V8's GC and compiler threads; tsunicorn's watchdog thread). The master is not counted; bench/results/throughput.md has its CPU per 10k requests.
- Under valgrind the worker runs some 50 times slower, so V8 optimizes at other moments than at full speed; the counts compare the same code paths, not timings.

## Results

Instructions per request, each window; ratios of the medians.

${markdownTable(headers, rows, { right: headers.slice(1) })}
`;
  writeFileSync(opts.out, report);
  process.stdout.write(`${report}\nwrote ${opts.out}\n`);
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}

/**
 * `pnpm bench parity [--rounds N] [--requests N] [--out FILE]`: per-request latency of the
 * parity suite's apps (test/parity/apps) under plain listen() and under tsunicorn, side by side
 * in one run. Each case sends sequential requests on one keep-alive connection — the pattern
 * where a connection without TCP_NODELAY stalls a response written in two pieces on the
 * client's delayed ACK (~40 ms). Rounds alternate the two servers; the table gives the median
 * of the per-round medians and the ratio. When `wrk` is installed, a second, independent
 * generator measures the same routes (one connection, 3 s each).
 */
import { writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { isInstalled, runLoad } from '../lib/generators.mjs';
import { describeMachine, machineMarkdown, packageVersion } from '../lib/machine.mjs';
import { spawnLogged, stopProcess } from '../lib/process.mjs';
import { median, percentile } from '../lib/stats.mjs';
import { formatMs, markdownTable } from '../lib/table.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const APPS = join(ROOT, 'test/parity/apps');
const CLI = join(ROOT, 'packages/core/dist/cli.js');

const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    requests: { type: 'string', default: '300' },
    out: { type: 'string', default: join(ROOT, 'bench/results/parity.md') },
    // The CLI of an earlier build, measured as a third server ("tsunicorn before").
    before: { type: 'string' },
  },
});
const ROUNDS = Number(opts.rounds);
const REQUESTS = Number(opts.requests);
const WARM = 50;

/** Cases by app: a name, a path, and request headers (the session page sends its cookie). */
const APPS_UNDER_TEST = [
  {
    file: 'node-http.cjs',
    cases: [
      { name: 'node:http, two pieces (write, end a tick later)', path: '/pieces', wrk: true },
      { name: 'node:http, two pieces with Content-Length', path: '/pieces-sized' },
      { name: 'node:http, file piped', path: '/file' },
      { name: 'node:http, gzip stream', path: '/gzip' },
      { name: 'node:http, 5 MB body', path: '/big' },
    ],
  },
  {
    file: 'express-session.cjs',
    session: true,
    cases: [
      { name: 'Express, express-session page', path: '/', wrk: true },
      { name: 'Express, compression()', path: '/gz', headers: { 'accept-encoding': 'gzip' } },
      { name: 'Express, sub-app route', path: '/x/items/42' },
      { name: 'Express, two pieces', path: '/pieces' },
    ],
  },
  {
    file: 'fastify-stream.mjs',
    cases: [
      { name: 'Fastify, streamed reply', path: '/stream' },
      { name: 'Fastify, JSON', path: '/json' },
    ],
  },
  {
    file: 'nest-stream.mjs',
    cases: [
      { name: 'Nest, StreamableFile', path: '/s/file' },
      { name: 'Nest, JSON', path: '/s/json' },
    ],
  },
];

const SERVERS = {
  'plain listen()': (app) => ({ args: [join(APPS, 'plain.mjs'), join(APPS, app), '127.0.0.1:0'], ready: /LISTENING (\d+)/ }),
  tsunicorn: (app) => tsunicornServer(CLI, app),
  ...(opts.before ? { 'tsunicorn before': (app) => tsunicornServer(opts.before, app) } : {}),
};
const KINDS = Object.keys(SERVERS);

function tsunicornServer(cli, app) {
  return {
    args: [cli, join(APPS, app), '-w', '1', '-b', '127.0.0.1:0'],
    ready: /Listening at: 127\.0\.0\.1:(\d+)/,
    after: /Ready: 1 worker/,
  };
}

async function startServer(kind, app) {
  const spec = SERVERS[kind](app);
  const proc = spawnLogged(process.execPath, spec.args, { cwd: APPS, name: kind });
  const { match } = await proc.waitForLine(spec.ready);
  if (spec.after) await proc.waitForLine(spec.after);
  return { proc, port: Number(match[1]) };
}

function get(agent, port, path, headers) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request({ host: '127.0.0.1', port, path, agent, headers }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve({ ms: performance.now() - t0, headers: res.headers }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout on ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

/** A session cookie, so the session page reads and saves a session as a returning visitor's does. */
async function sessionCookie(port) {
  const agent = new Agent({ keepAlive: false });
  const { headers } = await get(agent, port, '/', {});
  return headers['set-cookie']?.[0]?.split(';')[0];
}

async function measureCase(port, testCase, cookie) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const headers = { ...testCase.headers, ...(cookie ? { cookie } : {}) };
  for (let i = 0; i < WARM; i++) await get(agent, port, testCase.path, headers);
  const samples = [];
  for (let i = 0; i < REQUESTS; i++) samples.push((await get(agent, port, testCase.path, headers)).ms);
  agent.destroy();
  return samples.sort((a, b) => a - b);
}

/** wrk's median latency, one connection for 3 s: a second generator's view of the same route. */
async function wrkMedian(port, path, cookie) {
  const headers = cookie ? { Cookie: cookie } : {};
  return (await runLoad('wrk', `http://127.0.0.1:${port}${path}`, { seconds: 3, connections: 1, headers })).p50;
}

async function main() {
  const loadBefore = loadavg()[0];
  const wrk = isInstalled('wrk');
  /** results[case][server] = { p50: [per round], p90: [per round], wrk: [per round] } */
  const results = new Map();
  for (const app of APPS_UNDER_TEST) {
    for (let round = 0; round < ROUNDS; round++) {
      // An earlier build serves only the plain node:http app: the adapters here are this build's.
      const kinds = app.file === 'node-http.cjs' ? KINDS : KINDS.filter((k) => k !== 'tsunicorn before');
      const order = round % 2 === 0 ? kinds : [...kinds].reverse();
      for (const kind of order) {
        const { proc, port } = await startServer(kind, app.file);
        try {
          const cookie = app.session ? await sessionCookie(port) : undefined;
          for (const testCase of app.cases) {
            const sorted = await measureCase(port, testCase, cookie);
            const entry = results.get(testCase.name) ?? {};
            entry[kind] ??= { p50: [], p90: [], wrk: [] };
            const row = entry[kind];
            row.p50.push(percentile(sorted, 50));
            row.p90.push(percentile(sorted, 90));
            if (wrk && testCase.wrk && round < 2) row.wrk.push(await wrkMedian(port, testCase.path, cookie));
            results.set(testCase.name, entry);
          }
        } finally {
          await stopProcess(proc);
        }
      }
      process.stdout.write(`${app.file}: round ${round + 1}/${ROUNDS} done\n`);
    }
  }
  const rows = [...results].map(([name, byServer]) => {
    const plain = byServer['plain listen()'];
    const tsu = byServer.tsunicorn;
    const ratio = median(tsu.p50) / median(plain.p50);
    const before = byServer['tsunicorn before'];
    const beforeCells = !opts.before
      ? []
      : before
        ? [formatMs(median(before.p50)), `${(median(before.p50) / median(plain.p50)).toFixed(2)}×`]
        : ['–', '–'];
    return [
      name,
      formatMs(median(plain.p50)),
      formatMs(median(tsu.p50)),
      `${ratio.toFixed(2)}×`,
      formatMs(median(plain.p90)),
      formatMs(median(tsu.p90)),
      ...beforeCells,
    ];
  });
  const wrkRows = [...results]
    .filter(([, s]) => s.tsunicorn.wrk.length > 0)
    .map(([name, s]) => {
      const plain = median(s['plain listen()'].wrk);
      const tsu = median(s.tsunicorn.wrk);
      return [name, formatMs(plain), formatMs(tsu), `${(tsu / plain).toFixed(2)}×`];
    });
  const report = renderReport({ rows, wrkRows, wrk, loadBefore, loadAfter: loadavg()[0] });
  writeFileSync(opts.out, report);
  process.stdout.write(`${report}\nwrote ${opts.out}\n`);
}

function resultsTable(rows) {
  const headers = ['case', 'plain p50', 'tsunicorn p50', 'tsunicorn ÷ plain', 'plain p90', 'tsunicorn p90'];
  if (opts.before) headers.push('before p50', 'before ÷ plain');
  return markdownTable(headers, rows, { right: headers.slice(1) });
}

function renderReport({ rows, wrkRows, wrk, loadBefore, loadAfter }) {
  const machine = describeMachine();
  const versions = ['express', 'express-session', 'compression', 'fastify', '@nestjs/core']
    .map((p) => `${p} ${packageVersion(p, APPS)}`)
    .join(', ');
  return `# Parity benchmark: per-request latency, plain listen() vs tsunicorn

\`pnpm bench parity --rounds ${ROUNDS} --requests ${REQUESTS}\` (${new Date().toISOString().slice(0, 10)}).

${machineMarkdown(machine)}
- Versions: ${versions}
- The client and the servers share the same cores; 1-minute load average before the run ${loadBefore.toFixed(2)}, after it ${loadAfter.toFixed(2)} (other processes included).

## Method

- Apps: test/parity/apps (the parity suite's). plain listen(): \`node test/parity/apps/plain.mjs APP 127.0.0.1:0\`, the framework's own listen(). tsunicorn: \`tsunicorn APP -w 1 -b 127.0.0.1:0\`, so every connection is handed over by the master.
- Per case: one keep-alive connection (node:http \`Agent({ keepAlive: true, maxSockets: 1 })\`), ${WARM} requests not counted, then ${REQUESTS} sequential requests timed from send to the response's end. The session page sends the cookie of a session made before, so express-session reads and saves it on every request.
${opts.before ? "- tsunicorn before: the CLI built from the commit before the accept-path fix (`--before`), served the same way; only the node:http app (the adapters installed here are this build's).\n" : ''}- ${ROUNDS} rounds; each round starts a fresh server of each kind, in alternating order. Figures are the median over rounds of each round's median (p50) and 90th percentile (p90), in ms.

## Results (node:http client)

${resultsTable(rows)}

## Cross-check with wrk

${
  wrk
    ? `\`wrk -t1 -c1 -d3s --latency\` on the same servers (rounds 1 and 2), median latency in ms:\n\n${markdownTable(['case', 'plain p50', 'tsunicorn p50', 'tsunicorn ÷ plain'], wrkRows, { right: ['plain p50', 'tsunicorn p50', 'tsunicorn ÷ plain'] })}`
    : 'wrk was not installed (`apt-get install wrk`), so there is no second generator in this run.'
}
`;
}

await main();

/**
 * Skewed load: least-busy dispatch vs round-robin. A share of the requests hits a route that
 * keeps its worker busy (CPU) for some milliseconds; every request opens a new connection (as
 * from a proxy without upstream keep-alive), so each is dispatched on its own. Round-robin
 * keeps handing connections to a worker stuck on a slow request; least-busy sends them to the
 * other. The figure that matters is the latency of the fast requests.
 *
 *   node bench/skewed/run.mjs [--rounds 3] [--seconds 8] [--clients 16] [--slow-share 0.1] [--slow-ms 20] [--out FILE]
 */
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeMachine, machineMarkdown } from '../lib/machine.mjs';
import { median, percentile } from '../lib/stats.mjs';
import { formatMs, markdownTable } from '../lib/table.mjs';
import { cluster } from '../reload/contenders/cluster.mjs';
import { tsunicornWith } from '../reload/contenders/tsunicorn.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const APP = fileURLToPath(new URL('./app.mjs', import.meta.url));
const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '8' },
    clients: { type: 'string', default: '16' },
    'slow-share': { type: 'string', default: '0.1' },
    'slow-ms': { type: 'string', default: '20' },
    out: { type: 'string', default: join(ROOT, 'bench/results/skewed.md') },
  },
});

const CONTENDERS = [
  tsunicornWith('tsunicorn --balance least-busy', ['--balance', 'least-busy']),
  tsunicornWith('tsunicorn --balance round-robin', ['--balance', 'round-robin']),
  cluster,
];

function once(port, path) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ok: res.statusCode === 200, ms: performance.now() - t0 }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ ok: false, ms: performance.now() - t0 }));
    req.end();
  });
}

/** `clients` loops for `seconds`; a seeded sequence decides which requests are slow, the same for everyone. */
async function load(port) {
  const share = Number(opts['slow-share']);
  const slowPath = `/slow?ms=${opts['slow-ms']}`;
  const fast = [];
  const slow = [];
  let failed = 0;
  const deadline = performance.now() + Number(opts.seconds) * 1000;
  let seed = 42;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  await Promise.all(
    Array.from({ length: Number(opts.clients) }, async () => {
      while (performance.now() < deadline) {
        const isSlow = next() < share;
        const { ok, ms } = await once(port, isSlow ? slowPath : '/fast');
        if (!ok) failed++;
        else (isSlow ? slow : fast).push(ms);
      }
    }),
  );
  return { fast: fast.sort((a, b) => a - b), slow: slow.sort((a, b) => a - b), failed };
}

async function main() {
  const loadBefore = loadavg()[0];
  const runs = new Map(CONTENDERS.map((c) => [c.name, []]));
  for (let round = 0; round < Number(opts.rounds); round++) {
    const order = round % 2 === 0 ? CONTENDERS : [...CONTENDERS].reverse();
    for (const contender of order) {
      process.stderr.write(`[skewed] round ${round + 1}: ${contender.name}\n`);
      const server = await contender.start({ root: ROOT, appPath: APP, workers: 2 });
      try {
        await load(server.port).catch(() => {}); // 1 round of warm traffic is not counted
        const r = await load(server.port);
        runs.get(contender.name).push({
          fastP50: percentile(r.fast, 50),
          fastP99: percentile(r.fast, 99),
          slowP50: percentile(r.slow, 50),
          requests: r.fast.length + r.slow.length,
          failed: r.failed,
        });
      } finally {
        await server.stop();
      }
    }
  }
  const baseline = runs.get('tsunicorn --balance round-robin');
  const rows = CONTENDERS.map((c) => {
    const rs = runs.get(c.name);
    const ratio = median(rs.map((r, i) => r.fastP99 / baseline[i].fastP99));
    return [
      c.name,
      formatMs(median(rs.map((r) => r.fastP50))),
      formatMs(median(rs.map((r) => r.fastP99))),
      `${ratio.toFixed(2)}×`,
      formatMs(median(rs.map((r) => r.slowP50))),
      Math.round(median(rs.map((r) => r.requests / Number(opts.seconds)))),
      rs.map((r) => r.failed).join(' / '),
    ];
  });
  const headers = ['server', 'fast p50 ms', 'fast p99 ms', 'fast p99 ÷ round-robin', 'slow p50 ms', 'req/s', 'failed per round'];
  const report = `# Skewed load: least-busy dispatch vs round-robin

\`node bench/skewed/run.mjs --rounds ${opts.rounds} --seconds ${opts.seconds} --clients ${opts.clients} --slow-share ${opts['slow-share']} --slow-ms ${opts['slow-ms']}\` (${new Date().toISOString().slice(0, 10)}).

${machineMarkdown(describeMachine())}
- The client and the servers share the same cores. 1-minute load average before the run ${loadBefore.toFixed(2)}, after it ${loadavg()[0].toFixed(2)} (other processes included).

## Method

- App: \`bench/skewed/app.mjs\`, 2 workers. \`/slow?ms=${opts['slow-ms']}\` keeps its worker's event loop busy (CPU) for ${opts['slow-ms']} ms; \`/fast\` answers at once.
- Load: ${opts.clients} client loops on 127.0.0.1 for ${opts.seconds} s, each request on a new connection (\`agent: false\`), ${Number(opts['slow-share']) * 100}% of them to \`/slow\` (the same seeded sequence for every server). One run of the same load first, not counted.
- ${opts.rounds} rounds, the order reversed every other round; figures are medians over rounds, the ratio the median of each round's ratio.
- node:cluster: \`bench/reload/cluster-server.mjs\` (round-robin in the primary).

## Results

${markdownTable(headers, rows, { right: headers.slice(1, 6) })}
`;
  writeFileSync(opts.out, report);
  process.stdout.write(`${report}\nwrote ${opts.out}\n`);
}

await main();

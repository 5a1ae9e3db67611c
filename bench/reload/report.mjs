/**
 * The reload benchmark's tables (stdout) and results file (markdown).
 */
import { FAILURES } from '../lib/classify.mjs';
import { machineMarkdown } from '../lib/machine.mjs';
import { formatMs, markdownTable } from '../lib/table.mjs';

const HEADERS = [
  'server',
  'req/s',
  'requests',
  'failed',
  ...FAILURES,
  'steady p99 ms',
  'reload p99 ms',
  'reload/steady',
  'reload ms (median)',
  'other CPU %',
];
const NUMERIC = HEADERS.slice(1);

/** The label of a rate: "2,000 req/s" or "full load". */
export function rateLabel(rate) {
  return Number.isFinite(rate) ? `${rate.toLocaleString('en-US')} req/s` : 'full load';
}

/** The table of one rate: one row per contender (or its error). */
export function rateTable(runs) {
  const rows = runs.map(({ contender, outcome, error }) => {
    if (error) return [contender.name, `failed: ${error.message.split('\n')[0]}`, ...NUMERIC.slice(1).map(() => '')];
    const { rate, all, steady, reload, reloadMs } = outcome;
    return [
      contender.name,
      Math.round(rate).toLocaleString('en-US'),
      all.requests.toLocaleString('en-US'),
      all.failed,
      ...FAILURES.map((name) => all.byClass[name]),
      formatMs(steady.latency.p99),
      formatMs(reload.latency.p99),
      `${(reload.latency.p99 / steady.latency.p99).toFixed(2)}×`,
      formatMs(median(reloadMs)),
      Number.isFinite(outcome.cpu.foreignPct) ? outcome.cpu.foreignPct.toFixed(0) : '–',
    ];
  });
  return markdownTable(HEADERS, rows, { right: NUMERIC });
}

/** Failure samples and server warnings, per contender, for the runs that have any. */
export function rateNotes(runs, targetRate) {
  const notes = [];
  for (const { contender, outcome, error } of runs) {
    if (error) {
      notes.push(`- **${contender.name}** did not complete: ${indent(error.message)}`);
      continue;
    }
    if (Number.isFinite(targetRate) && outcome.rate < 0.95 * targetRate) {
      notes.push(
        `- **${contender.name}** was sent ${Math.round(outcome.rate).toLocaleString('en-US')} req/s of the ${rateLabel(targetRate)} asked: ` +
          'the connections fell behind their schedule (responses slower than the per-connection interval).',
      );
    }
    if (outcome.failureSamples.length > 0) {
      notes.push(`- **${contender.name}** failed requests (time from the reload request):`);
      for (const sample of outcome.failureSamples) notes.push(`  - ${sample}`);
    }
    const logged = [...new Set(outcome.serverNotes)];
    if (logged.length > 0) {
      notes.push(`- **${contender.name}** logged (${logged.length} distinct lines${logged.length > 12 ? ', first 12' : ''}):`);
      for (const line of logged.slice(0, 12)) notes.push(`  - \`${line.replaceAll('`', "'").slice(0, 300)}\``);
    }
  }
  return notes.join('\n');
}

/** Whether tsunicorn met the targets at this rate, as one line. */
export function targetLine(runs) {
  const ours = runs.find((r) => r.contender.name === 'tsunicorn');
  if (!ours) return '';
  if (ours.error) return 'Target: not measured (tsunicorn did not complete).';
  const { all, steady, reload } = ours.outcome;
  const ratio = reload.latency.p99 / steady.latency.p99;
  const failedOk = all.failed === 0;
  const latencyOk = ratio <= 2;
  return (
    `Target (0 failed requests, reload-window p99 ≤ 2× steady p99): ${failedOk && latencyOk ? '**met**' : '**not met**'} — ` +
    `${all.failed} failed, reload p99 ${formatMs(reload.latency.p99)} ms = ${ratio.toFixed(2)}× steady ${formatMs(steady.latency.p99)} ms.`
  );
}

/** The whole results file. */
export function resultsMarkdown({ command, date, machine, machineLoad, versions, parameters, contenders, byRate }) {
  const sections = byRate.map(({ rate, runs }) =>
    [`## ${rateLabel(rate)}`, rateTable(runs), targetLine(runs), rateNotes(runs, rate)].filter(Boolean).join('\n\n'),
  );
  return `# Reload benchmark

Failed requests and latency while each server does ${parameters.reloads} rolling reloads of ${parameters.workers} workers
under keep-alive load, in one run: \`${command}\` (${date}).

${machineMarkdown(machine)}
- The load generator and the servers share the same ${machine.cores} cores: at full load they compete for CPU. 1-minute
  load average before the run ${machineLoad.before.toFixed(2)}, after it ${machineLoad.after.toFixed(2)} (other processes included).
- Versions: ${Object.entries(versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ')}

## Method

- App: \`${parameters.app}\`, route \`GET ${parameters.path}\`, ${parameters.workers} workers for every server.
${contenders.map((c) => `- ${c.name}: ${c.describe(parameters)}.`).join('\n')}
- Load: ${parameters.connections} keep-alive connections on 127.0.0.1, each a loop of sequential requests through its own
  node:http \`Agent({ keepAlive: true, maxSockets: 1 })\` (bench/lib/load.mjs); the total rate is split evenly over the
  connections (a loop that falls behind skips slots, it does not burst). Nothing is retried: every request is
  classified as success, non-2xx, reset (ECONNRESET, EPIPE, socket hang up, response cut short), refused, timeout
  (no socket activity for 10 s) or other.
- Before each server starts, the run waits (at most ${parameters.quietWaitS} s) until processes outside the benchmark use
  under 15% of the CPU.
- Schedule per server and rate: ${parameters.settleS} s of steady load, then ${parameters.reloads} reloads one after another,
  each followed by ${parameters.tailS} s + ${parameters.gapS} s of steady load; then the load stops and the server is stopped.
- Reload window: from the reload request (HUP sent; for PM2 the \`pm2 reload\` command started) until the reload is
  over — tsunicorn: "Reload to gen G complete" and every old worker exited; node:cluster: every old worker exited;
  PM2: the command returned — plus ${parameters.tailS} s. Steady: every other request, except the first
  ${parameters.warmInS} s of load (connections opening). Latencies are of successful requests, by send time;
  p99 is nearest-rank. "failed" counts the whole run; "req/s" is what was sent over the whole run.
- "other CPU %": CPU time the machine spent, while the load ran, outside this benchmark's processes (load generator,
  servers, their children and PM2's daemon), in percent of all cores (from /proc). Well above 0 means something
  else on the machine competed for the cores during that run.

${sections.join('\n\n')}
`;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : Number.NaN;
}

function indent(text) {
  return text.replaceAll('\n', '\n    ');
}

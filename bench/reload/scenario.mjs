/**
 * One contender at one rate: start it, put it under steady keep-alive load, reload it N times
 * with steady gaps between, stop the load, stop the server, and measure the requests sent in
 * the reload windows against the others.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { OUTCOMES } from '../lib/classify.mjs';
import { startCpuMeter, waitForQuietMachine } from '../lib/cpu.mjs';
import { startLoad } from '../lib/load.mjs';
import { inWindows, summarize } from '../lib/stats.mjs';

/**
 * @typedef {object} ScenarioOptions
 * @property {string} root
 * @property {string} appPath
 * @property {string} path         Request path, e.g. /health.
 * @property {number} workers
 * @property {number} connections
 * @property {number} rate         Total req/s, or Infinity for full load.
 * @property {number} reloads
 * @property {number} settleMs     Steady load before the first reload.
 * @property {number} gapMs        Steady load after each reload window.
 * @property {number} tailMs       Added to each reload's end to make its window.
 * @property {number} warmInMs     Excluded from latency (not from failures): connections opening.
 * @property {number} quietWaitMs  Wait at most this long for other processes to leave the CPU before starting (0: no wait).
 * @property {(text: string) => void} progress
 */

/** Runs the scenario; throws if the server fails to start or a reload fails. */
export async function runScenario(contender, options) {
  const { progress } = options;
  await waitForQuiet(options);
  progress(`${contender.name}: starting`);
  const server = await contender.start(options);
  let run;
  try {
    run = await loadAndReload(server, options);
  } finally {
    progress(`${contender.name}: stopping`);
    await server.stop();
  }
  // After stop: PM2's daemon log is only read then.
  return { ...analyse(run.result, run.reloads, notableLines(server.lines, contender.notes), options), cpu: run.cpu };
}

/** Other processes eating the cores would skew this contender's numbers: give them a moment to finish. */
async function waitForQuiet({ quietWaitMs, progress }) {
  if (quietWaitMs <= 0) return;
  const foreign = await waitForQuietMachine({ thresholdPct: 15, maxWaitMs: quietWaitMs });
  if (foreign >= 15) progress(`other processes still use ${foreign.toFixed(0)}% of the CPU after ${quietWaitMs / 1000} s; going on`);
}

async function loadAndReload(server, options) {
  const { connections, rate, reloads: count, settleMs, gapMs, tailMs, progress } = options;
  const url = `http://127.0.0.1:${server.port}${options.path}`;
  // Bounded even if a reload hangs past its own limits: 5 min of load at most.
  const load = startLoad({ url, connections, rate, durationMs: 300_000, timeoutMs: 10_000 });
  const meter = startCpuMeter(() => server.daemonPids?.() ?? []);
  const reloads = [];
  let result;
  let cpu;
  try {
    await sleep(settleMs);
    for (let i = 1; i <= count; i++) {
      const reload = await server.reload();
      reloads.push(reload);
      progress(`  reload ${i}/${count}: ${Math.round(reload.end - reload.start)} ms (${reload.detail}), ${load.sent()} requests so far`);
      await sleep(tailMs + gapMs);
    }
  } finally {
    result = await load.stop();
    cpu = meter.stop();
  }
  return { result, reloads, cpu };
}

/**
 * @returns {{ rate: number, all: ReturnType<typeof summarize>, steady: ReturnType<typeof summarize>, reload: ReturnType<typeof summarize>, reloadMs: number[], failureSamples: string[], serverNotes: string[] }}
 */
function analyse(result, reloads, lines, { tailMs, warmInMs }) {
  const windows = reloads.map((r) => ({ start: r.start, end: r.end + tailMs }));
  const measuredFrom = result.startedAt + warmInMs;
  const seconds = (result.endedAt - result.startedAt) / 1000;
  return {
    rate: result.count / seconds,
    seconds,
    all: summarize(result),
    steady: summarize(result, (at) => at >= measuredFrom && !inWindows(at, windows)),
    reload: summarize(result, (at) => inWindows(at, windows)),
    reloadMs: reloads.map((r) => r.end - r.start),
    failureSamples: describeFailures(result.failures, reloads),
    serverNotes: lines,
  };
}

/** The server's output lines matching `pattern`, without terminal colours. */
function notableLines(lines, pattern) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing ANSI colour codes (PM2 prints them).
  const plain = lines.map((l) => l.text.replace(/\x1b\[[0-9;]*m/g, ''));
  return plain.filter((text) => pattern.test(text));
}

/** "reload 2 +0.412 s: reset — ECONNRESET socket hang up", grouped: the first few of each kind. */
function describeFailures(failures, reloads) {
  const groups = new Map();
  for (const failure of failures) {
    const index = reloads.findLastIndex((r) => r.start <= failure.at);
    const when =
      index < 0 ? 'before the first reload' : `reload ${index + 1} +${((failure.at - reloads[index].start) / 1000).toFixed(3)} s`;
    const key = `${OUTCOMES[failure.outcome]} — ${failure.detail || 'no detail'}`;
    const group = groups.get(key) ?? { count: 0, when: [] };
    group.count++;
    if (group.when.length < 6) group.when.push(when);
    groups.set(key, group);
  }
  return [...groups]
    .sort(([, a], [, b]) => b.count - a.count)
    .map(([key, g]) => `${g.count}× ${key} (${g.when.join(', ')}${g.count > g.when.length ? ', …' : ''})`);
}

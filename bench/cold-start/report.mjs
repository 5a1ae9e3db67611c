/**
 * Renders the cold-start results as markdown and merges them into the committed results
 * file. Each Node major version has its own section between markers, replaced on the next
 * run with that version; text outside the markers (the analysis) is kept as written.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { machineMarkdown } from '../lib/machine.mjs';
import { formatMs, markdownTable } from '../lib/table.mjs';

/** The first-request ratio the product promises not to exceed (median over routes). */
export const TARGET_RATIO = 2;

const formatRatio = (x) => (Number.isFinite(x) ? `${x.toFixed(x < 10 ? 2 : 1)}×` : '–');

/**
 * The markdown for one invocation.
 * @param {{ nodeVersion, machine, options, command, date, versions, apps: { name, requestCount, skipped, mismatches, results: { contender, summary }[] }[], skippedApps: { name, why }[] }} report
 */
export function renderSection(report) {
  const { options } = report;
  const parts = [
    `## Node ${report.nodeVersion}${report.options.label ? ` — ${report.options.label}` : ''}`,
    '',
    `Measured ${report.date} with \`${report.command}\`.`,
    '',
    machineMarkdown({ ...report.machine, node: `${report.nodeVersion} (servers); the client ran on ${report.machine.node}` }),
    `- The ${report.machine.cores} cores are shared: the client, the master and both workers run on them, and other work ran on the machine ` +
      `(1-minute load average ${report.load.map((l) => l.toFixed(1)).join(' before, ')} after), so read ratios measured side by side, not absolute times.`,
    `- ${options.runs} fresh starts per server per app, tsunicorn and the baseline alternating; ${options.workers} workers each, ` +
      `one connection per worker, so ${options.runs * options.workers} samples per server per app; ` +
      `steady state = median of the last ${options.steady} of ${options.passes} passes; NODE_ENV=${options.nodeEnv}` +
      `${options.tsunicornArgs.length ? `; tsunicorn given \`${options.tsunicornArgs.join(' ')}\`` : '; tsunicorn with its defaults'}.`,
    `- Versions: ${Object.entries(report.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
  ];
  if (report.apps.length > 0) parts.push(summaryTable(report.apps), '', targetLine(report.apps));
  if (options.idleMs > 0 && report.apps.length > 0) parts.push('', idleTable(report.apps, options.idleMs), '', idleTargetLine(report.apps));
  for (const skipped of report.skippedApps) parts.push('', `- **${skipped.name} not measured**: ${skipped.why}`);
  for (const app of report.apps) parts.push('', routeDetails(app));
  return parts.join('\n');
}

function summaryTable(apps) {
  const headers = [
    'app',
    'server',
    'first ÷ steady (median over routes)',
    'range over samples',
    'worst route',
    'worst ratio',
    "worker's 1st request ms (warm, after idle)",
    'Σ first ms',
    'Σ steady ms',
    'start → ready ms',
    'warm-up ms',
  ];
  const rows = apps.flatMap((app) =>
    app.results.map(({ contender, summary: s }) => [
      `${app.name} (${app.requestCount} routes)`,
      contender,
      formatRatio(s.medianRatio),
      `${formatRatio(s.medianRatioRange[0])}–${formatRatio(s.medianRatioRange[1])}`,
      `\`${s.worstRoute}\``,
      formatRatio(s.worstRatio),
      `${formatMs(s.veryFirstMs)} (${formatMs(s.idleWarmMs)})`,
      formatMs(s.firstTotalMs),
      formatMs(s.steadyTotalMs),
      formatMs(s.startToReadyMs),
      s.warmupMs === null ? '–' : formatMs(s.warmupMs),
    ]),
  );
  const right = headers.slice(2).filter((h) => h !== 'worst route');
  return markdownTable(headers, rows, { right });
}

/** The warm-after-idle control's targets: median over routes and worst route of first ÷ control. */
export const IDLE_TARGET = { median: 1.5, worst: 3 };

function idleTable(apps, idleMs) {
  const headers = [
    'app',
    'server',
    `first ÷ warm-after-idle (${idleMs} ms), median over routes`,
    'worst route',
    'worst ratio',
    'start → ready ms',
    'warm-up ms',
  ];
  const rows = apps.flatMap((app) =>
    app.results.map(({ contender, summary: s }) => [
      `${app.name} (${app.requestCount} routes)`,
      contender,
      formatRatio(s.medianIdleRatio),
      `\`${s.worstIdleRoute}\``,
      formatRatio(s.worstIdleRatio),
      formatMs(s.startToReadyMs),
      s.warmupMs === null ? '–' : formatMs(s.warmupMs),
    ]),
  );
  return markdownTable(headers, rows, { right: headers.slice(2).filter((h) => h !== 'worst route') });
}

function idleTargetLine(apps) {
  const verdicts = apps.map((app) => {
    const ours = app.results.find((r) => r.contender === 'tsunicorn')?.summary;
    if (!ours) return `${app.name}: not run`;
    const ok = ours.medianIdleRatio <= IDLE_TARGET.median && ours.worstIdleRatio <= IDLE_TARGET.worst;
    return `${app.name} ${formatRatio(ours.medianIdleRatio)} / ${formatRatio(ours.worstIdleRatio)} ${ok ? 'met' : '**missed**'}`;
  });
  return `Target, tsunicorn's first ÷ warm-after-idle ≤ ${IDLE_TARGET.median}× median over routes and ≤ ${IDLE_TARGET.worst}× worst route: ${verdicts.join('; ')}.`;
}

function targetLine(apps) {
  const verdicts = apps.map((app) => {
    const ours = app.results.find((r) => r.contender === 'tsunicorn')?.summary;
    if (!ours) return `${app.name}: not run`;
    const ok = ours.medianRatio <= TARGET_RATIO;
    return `${app.name} ${formatRatio(ours.medianRatio)} ${ok ? 'met' : '**missed**'}`;
  });
  return `Target, tsunicorn's median over routes ≤ ${TARGET_RATIO}×: ${verdicts.join('; ')}.`;
}

function routeDetails(app) {
  const [a, b] = app.results;
  const idle = a.summary.perRoute[0]?.idleMs !== undefined;
  const headers = ['route', 'status', `${a.contender} first`, 'steady', 'ratio', `${b.contender} first`, 'steady ', 'ratio '];
  if (idle) headers.push(`${a.contender} idle control`, '÷ control', `${b.contender} idle control`, '÷ control ');
  const rows = a.summary.perRoute.map((ra, i) => {
    const rb = b.summary.perRoute[i];
    const row = [
      `\`${ra.route}\``,
      [...new Set([...ra.statuses, ...rb.statuses])].join('/'),
      formatMs(ra.firstMs),
      formatMs(ra.steadyMs),
      formatRatio(ra.ratio),
      formatMs(rb.firstMs),
      formatMs(rb.steadyMs),
      formatRatio(rb.ratio),
    ];
    if (idle) row.push(formatMs(ra.idleMs), formatRatio(ra.idleRatio), formatMs(rb.idleMs), formatRatio(rb.idleRatio));
    return row;
  });
  const notes = [];
  if (app.skipped.length) notes.push(`Discovered but not measured: ${app.skipped.map((l) => `\`${l}\``).join(', ')}.`);
  for (const m of app.mismatches) notes.push(`**Status differs between servers**: ${m}`);
  const worstCounts = app.results
    .map(
      ({ contender, summary }) =>
        `${contender}: ${Object.entries(summary.worstRouteCounts)
          .map(([route, n]) => `\`${route}\` ×${n}`)
          .join(', ')}`,
    )
    .join('; ');
  notes.push(`Worst route of each sample — ${worstCounts}.`);
  return [
    `<details><summary>${app.name}: per route (ms, medians over samples)</summary>`,
    '',
    markdownTable(headers, rows, { right: headers.slice(2) }),
    '',
    ...notes.map((n) => `${n}\n`),
    '</details>',
  ].join('\n');
}

const HEADER = `# Cold-start benchmark

\`pnpm bench cold-start\` (bench/cold-start/run.mjs). For each example app, a freshly started
server with two workers, and one keep-alive connection per worker, all opened before the first
request: connect time and the master's hand-over of the connection are not counted, and since
the master deals connections out round-robin, each lands on a worker that has served no client
yet (checked with \`ss\`). On each connection in turn, every route once (its **first** request
in that worker), then every route again, pass after pass; a route's **steady** latency is the
median of its last passes. The number reported is first ÷ steady per route: its median over
routes, and the worst route. The baseline is the same app module under \`node:cluster\` with
the framework's plain \`listen()\`, the same worker count and the same request list, measured
in the same run, the two servers alternating.

The routes are the GET routes without parameters that tsunicorn discovers, plus the app's
configured \`warmupRequests\` from its tsunicorn.config.js (parameterised routes, POST
bodies), in the order tsunicorn warms them. Requests carry no warm-up header: they are what a
client sends.

"Worker's 1st request" is the very first request a worker serves (the first route of the
list): besides its route it meets whatever is still lazy for every request, and it comes
after the worker sat idle. In brackets, the control: the same request on the same
connection once warm, after the same idle pause; a process that sat idle answers slower
(sleeping CPU, cold caches) whether or not anything is lazy. Σ first and
Σ steady add up all routes. Start → ready runs from spawning the server to its \`Ready:\`
line: for tsunicorn, every worker booted and warmed; for the baseline, every worker's
\`listen()\` called back. Warm-up ms is the median over workers of the time each spent
sending its warm-up requests.

With \`--idle MS\`, each route's first request follows a pause of MS, and after the steady
passes each route is sent once more after the same pause: the **warm-after-idle control**, the
same route on the same process, now long warm. A request after an idle pause costs more than
one in a tight loop whether or not anything is lazy, so first ÷ control is what laziness
costs; its median over routes and its worst route (each route's median over samples) are in
a second table. The apps in test/apps carry no tsunicorn config; the requests measured for
them are the client's, from their bench-requests.json, not the ones tsunicorn synthesises.
`;

/** Replaces (or adds) the section named `key` in the results file; keeps the rest. */
export function writeResults(path, key, section) {
  const begin = `<!-- cold-start:${key}:begin -->`;
  const end = `<!-- cold-start:${key}:end -->`;
  const block = `${begin}\n${section}\n${end}`;
  const current = existsSync(path) ? readFileSync(path, 'utf8') : HEADER;
  const at = current.indexOf(begin);
  let next;
  if (at !== -1) {
    next = current.slice(0, at) + block + current.slice(current.indexOf(end, at) + end.length);
  } else {
    // After the last Node section; with none yet, before the hand-written analysis, else at the end.
    const lastEnd = current.lastIndexOf(':end -->');
    const analysis = current.indexOf('\n## Analysis');
    const insertAt = lastEnd !== -1 ? lastEnd + ':end -->'.length : analysis !== -1 ? analysis : current.length;
    next = `${current.slice(0, insertAt).trimEnd()}\n\n${block}\n${current.slice(insertAt)}`;
  }
  writeFileSync(path, `${next.trimEnd()}\n`);
}

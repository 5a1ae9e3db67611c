/**
 * Finds the requests to measure for one app: the GET routes without parameters that
 * tsunicorn discovers, plus every request the app's tsunicorn.config.js lists in
 * warmupRequests (parameterised routes, POST bodies). Both contenders get this same list.
 *
 * Discovery asks tsunicorn itself, so the list is exactly what it would warm: one worker is
 * started with `--log-level debug`, which logs one `Warm-up METHOD URL` line per request;
 * the configured requests, with their headers and bodies, come from `--print-config`.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startServer } from './server-process.mjs';

const run = promisify(execFile);

/**
 * @returns {Promise<{ requests: Request[], skipped: string[] }>} where Request is
 *   { method, url, headers?, body?, expectStatus? }; skipped names discovered warm-up requests
 *   left out (HEAD twins, the adapter's own requests, whose bodies are not logged).
 */
export async function discoverRequests({ node, cli, app, cwd, env, extraArgs = [] }) {
  const configured = await readConfiguredRequests({ node, cli, app, cwd, env, extraArgs });
  const labels = await readWarmupLabels({ node, cli, app, cwd, env, extraArgs });
  const configuredByKey = new Map(configured.map((req) => [`${req.method ?? 'GET'} ${req.url}`, { method: 'GET', ...req }]));
  const byKey = new Map();
  const skipped = [];
  // In the order tsunicorn warms them: a configured request takes the slot of the discovered
  // or adapter request with the same method and URL, as in the warm-up engine.
  for (const label of labels) {
    const [method, url] = label.split(' ');
    if (configuredByKey.has(label)) byKey.set(label, configuredByKey.get(label));
    else if (method !== 'GET' || url.startsWith('/__tsunicorn/')) skipped.push(label);
    else byKey.set(label, { method, url });
  }
  for (const [key, req] of configuredByKey) if (!byKey.has(key)) byKey.set(key, req);
  return { requests: [...byKey.values()], skipped: skipped.filter((label) => !byKey.has(label)) };
}

async function readConfiguredRequests({ node, cli, app, cwd, env, extraArgs }) {
  const { stdout } = await run(node, [cli, app, ...extraArgs, '--print-config'], { cwd, env, timeout: 30_000 });
  const line = stdout.split('\n').find((l) => /^warmupRequests\s*=/.test(l));
  if (!line) throw new Error(`tsunicorn --print-config printed no warmupRequests line in ${cwd}`);
  return JSON.parse(line.slice(line.indexOf('=') + 1));
}

async function readWarmupLabels({ node, cli, app, cwd, env, extraArgs }) {
  const server = await startServer({
    node,
    args: [cli, app, ...extraArgs, '-w', '1', '-b', '127.0.0.1:0', '--log-level', 'debug'],
    cwd,
    env,
    label: `tsunicorn (route discovery) in ${cwd}`,
  });
  try {
    // `[DEBUG] [worker 1, gen 1] Warm-up GET /users: first 2.1 ms, last 0.4 ms`
    const labels = server.lines.map((l) => /\[DEBUG\].*? Warm-up (\S+ \S+): first /.exec(l.line)?.[1]).filter(Boolean);
    if (labels.length === 0) throw new Error(`found no "Warm-up METHOD URL: first" debug lines in tsunicorn's log:\n${server.log}`);
    return labels;
  } finally {
    await server.stop();
  }
}

/**
 * The two contenders: tsunicorn's CLI, and the same app under node:cluster with the
 * framework's plain listen(). Each start() spawns a fresh server and resolves once it says
 * it is ready, with what its log tells about the start.
 */
import { baselineArgs, tsunicornArgs } from './apps.mjs';
import { startServer } from './server-process.mjs';
import { median } from './stats.mjs';

/** @typedef {{ server: object, startToReadyMs: number, warmupMs: number | null, workerReadyMs: number[] }} Started */

export const CONTENDERS = [
  {
    name: 'tsunicorn',
    /** @returns {Promise<Started>} */
    async start({ app, node, env, workers, extraArgs = [] }) {
      const server = await startServer({
        node,
        args: [...tsunicornArgs(app, workers), ...extraArgs],
        cwd: app.dir,
        env,
        label: `tsunicorn ${app.name}`,
      });
      const warmups = matchAll(server, /Warm-up: .*?, ([\d.]+) ms in all/);
      return {
        server,
        startToReadyMs: server.startToReadyMs,
        warmupMs: warmups.length ? median(warmups) : null,
        workerReadyMs: matchAll(server, /Worker \d+ \(pid: \d+, gen \d+\) ready in (\d+) ms/),
      };
    },
  },
  {
    name: 'cluster + listen()',
    /** @returns {Promise<Started>} */
    async start({ app, node, env, workers }) {
      const server = await startServer({ node, args: baselineArgs(app, workers), cwd: app.dir, env, label: `baseline ${app.name}` });
      return { server, startToReadyMs: server.startToReadyMs, warmupMs: null, workerReadyMs: [] };
    },
  },
];

function matchAll(server, re) {
  return server.lines
    .map((l) => re.exec(l.line)?.[1])
    .filter((v) => v !== undefined)
    .map(Number);
}

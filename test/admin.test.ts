import { execFile } from 'node:child_process';

import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { get, getJson } from './helpers/http.js';
import { parsePrometheus } from './helpers/prometheus.js';
import { CLI, FIXTURES, isAlive, type RunningServer, start, stopAll, until } from './helpers/server.js';
import { tempDir } from './helpers/temp.js';

afterEach(stopAll);

async function adminPort(server: RunningServer): Promise<number> {
  return Number((await server.waitForLog(/Admin listener at: 127\.0\.0\.1:(\d+)/))[1]);
}

/** Runs `tsunicorn ctl ...` and resolves with its exit code and output. */
function ctl(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'ctl', ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('readiness', () => {
  it('/readyz is 503 until both workers are warm, then 200, and 503 from TERM while requests still succeed during the shutdown delay', async () => {
    const server = start({
      args: [`${FIXTURES}/slow-boot-app.js`, '-w', '2', '-b', '127.0.0.1:0', '--admin-bind', '127.0.0.1:0', '--shutdown-delay', '3'],
      env: { BOOT_MS: '1500' },
    });
    const admin = await adminPort(server);
    expect((await get(admin, '/livez')).status).toBe(200);
    const answers: { status: number; reason?: string; readyLines: number }[] = [];
    await until(
      async () => {
        const reply = await get(admin, '/readyz');
        const readyLines = (server.log.match(/ready in \d+ ms/g) ?? []).length;
        answers.push({ status: reply.status, reason: (JSON.parse(reply.body) as { reason?: string }).reason, readyLines });
        return reply.status === 200;
      },
      20_000,
      '/readyz to answer 200',
    );
    // Every 503 came before the second worker was warm, and one said that one of two was.
    const before = answers.slice(0, -1);
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((a) => a.status === 503)).toBe(true);
    expect(before.map((a) => a.reason)).toContain('1 of 2 workers warm and serving');
    expect(answers.at(-1)!.readyLines).toBe(2);

    const port = await server.port();
    server.signal('SIGTERM');
    await until(async () => (await get(admin, '/readyz')).status === 503, 2_000, '/readyz to answer 503 after TERM');
    const reply = await get(admin, '/readyz');
    expect(JSON.parse(reply.body)).toEqual({ status: 'not ready', reason: 'stopping' });
    expect(server.log).not.toMatch(/Shutting down: Master/);
    // Still in the shutdown delay: the listeners accept and the workers answer.
    expect((await get(port, '/')).status).toBe(200);
    expect(await server.waitForExit()).toBe(0);
  });
});

describe('metrics', () => {
  it('/metrics parses as Prometheus text and counts each worker’s requests by status class', async () => {
    const server = start({ args: [`${FIXTURES}/slow-boot-app.js`, '-w', '2', '-b', '127.0.0.1:0', '--admin-bind', '127.0.0.1:0'] });
    const port = await server.ready();
    const admin = await adminPort(server);
    const sent: Record<string, { ok: number; missing: number }> = {};
    for (let i = 0; i < 60; i++) {
      const reply = await get(port, i % 4 === 0 ? '/missing' : '/');
      const { worker } = JSON.parse(reply.body) as { worker: string };
      sent[worker] ??= { ok: 0, missing: 0 };
      if (reply.status === 404) sent[worker].missing++;
      else sent[worker].ok++;
    }
    expect(Object.keys(sent).sort()).toEqual(['1', '2']);
    const count = (families: ReturnType<typeof parsePrometheus>, worker: string, statusClass: string) =>
      families
        .get('tsunicorn_http_requests_total')!
        .samples.find((s) => s.labels.worker === worker && s.labels.status_class === statusClass)?.value ?? 0;
    let families = parsePrometheus((await get(admin, '/metrics')).body);
    // Workers report with their heartbeat: wait for the reports that cover every request.
    await until(
      async () => {
        families = parsePrometheus((await get(admin, '/metrics')).body);
        return Object.entries(sent).every(([w, n]) => count(families, w, '2xx') === n.ok && count(families, w, '4xx') === n.missing);
      },
      10_000,
      'per-worker counters to match the requests sent',
    );
    const durationCount = families.get('tsunicorn_http_request_duration_seconds')!.samples.filter((s) => s.name.endsWith('_count'));
    expect(durationCount.reduce((n, s) => n + s.value, 0)).toBe(60);
    expect(families.get('tsunicorn_workers')!.samples.find((s) => s.labels.state === 'ready')!.value).toBe(2);
    expect(families.get('tsunicorn_generation')!.samples[0]!.value).toBe(1);
    for (const name of [
      'tsunicorn_worker_resident_memory_bytes',
      'tsunicorn_worker_eventloop_utilization',
      'tsunicorn_worker_warmup_seconds',
    ]) {
      expect(
        families
          .get(name)!
          .samples.map((s) => s.labels.worker)
          .sort(),
      ).toEqual(['1', '2']);
    }
    expect(families.get('tsunicorn_ready')!.samples[0]!.value).toBe(1);

    // A reload: both workers replaced for it, one reload that went well, counters kept per slot.
    const [first, second] = server.workerPids;
    server.signal('SIGHUP');
    await server.waitForLog(/Reload to gen 2 complete/, 30_000);
    await until(() => !isAlive(first!) && !isAlive(second!), 20_000, 'the old workers to exit');
    const after = parsePrometheus((await get(admin, '/metrics')).body);
    const restarts = after.get('tsunicorn_worker_restarts_total')!.samples;
    expect(restarts.map((r) => [r.labels.worker, r.labels.reason, r.value]).sort()).toEqual([
      ['1', 'reload', 1],
      ['2', 'reload', 1],
    ]);
    expect(after.get('tsunicorn_reloads_total')!.samples.find((r) => r.labels.result === 'ok')!.value).toBe(1);
    expect(after.get('tsunicorn_generation')!.samples[0]!.value).toBe(2);
    for (const [w, n] of Object.entries(sent)) expect(count(after, w, '2xx')).toBeGreaterThanOrEqual(n.ok);
  });
});

describe('tsunicorn ctl', () => {
  it('status lists the live worker pids; scale and stop answer once done', async () => {
    const socket = join(tempDir('tsu-admin-'), 'ctl.sock');
    const server = start({ args: [`${FIXTURES}/slow-boot-app.js`, '-w', '2', '-b', '127.0.0.1:0', '--control-socket', socket] });
    await server.ready();
    const status = await ctl(['status', '--json', '--control-socket', socket]);
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout) as { pid: number; workers: { pid: number; slot: number; phase: string }[] };
    expect(parsed.pid).toBe(server.pid);
    expect(parsed.workers.map((w) => w.pid).sort()).toEqual(server.workerPids.filter(isAlive).sort());
    expect(parsed.workers.map((w) => w.phase)).toEqual(['ready', 'ready']);
    const text = await ctl(['status', '--control-socket', socket]);
    for (const pid of server.workerPids) expect(text.stdout).toContain(String(pid));

    const scaled = await ctl(['scale', '3', '--control-socket', socket]);
    expect(scaled).toMatchObject({ code: 0, stdout: '3 worker(s) warm and serving\n' });
    const after = JSON.parse((await ctl(['status', '--json', '--control-socket', socket])).stdout) as typeof parsed;
    expect(after.workers.filter((w) => w.phase === 'ready')).toHaveLength(3);
    // Each heartbeat (about once a second) carries the worker's RSS.
    await until(
      async () => {
        const now = JSON.parse((await ctl(['status', '--json', '--control-socket', socket])).stdout) as {
          workers: { rss: number | null }[];
        };
        return now.workers.every((w) => (w.rss ?? 0) > 1e6);
      },
      10_000,
      'every worker to report its RSS',
    );

    const stopped = await ctl(['stop', '--control-socket', socket]);
    expect(stopped).toMatchObject({ code: 0, stdout: 'stopped\n' });
    expect(await server.waitForExit()).toBe(0);
    expect((await ctl(['status', '--control-socket', socket])).code).toBe(7);
  });

  it('reload with new code that fails to boot exits 6 and names the cause, and the old workers keep serving', async () => {
    const dir = tempDir('tsu-admin-');
    const socket = join(dir, 'ctl.sock');
    const { writeFileSync } = await import('node:fs');
    const app = join(dir, 'app.mjs');
    writeFileSync(app, 'export default (req, res) => res.end(JSON.stringify({ pid: process.pid }));\n');
    const server = start({ args: [app, '-w', '1', '-b', '127.0.0.1:0', '--control-socket', socket] });
    const port = await server.ready();
    writeFileSync(app, "throw new Error('the database URL is not set');\n");
    const reload = await ctl(['reload', '--control-socket', socket]);
    expect(reload.code).toBe(6);
    expect(reload.stderr).toMatch(/Reload to gen 2 failed: App failed to load: [\s\S]*Error: the database URL is not set/);
    expect(reload.stderr).toContain('[TSU_ERR_CTL_FAILED]');
    expect((await getJson<{ pid: number }>(port, '/')).pid).toBe(server.workerPids[0]);

    writeFileSync(app, 'export default (req, res) => res.end(JSON.stringify({ pid: process.pid, v: 2 }));\n');
    const good = await ctl(['reload', '--control-socket', socket]);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/Reload to gen 3 complete/);
    expect((await getJson<{ v: number }>(port, '/')).v).toBe(2);
  });

  it('says what is wrong when no master answers or the command is unknown', async () => {
    const missing = await ctl(['status', '--control-socket', join(tempDir('tsu-admin-'), 'none.sock')]);
    expect(missing.code).toBe(7);
    expect(missing.stderr).toMatch(/no master answers on control socket .*none\.sock \(ENOENT\).*\[TSU_ERR_CTL_UNREACHABLE\]/);
    const unknown = await ctl(['restart', '--control-socket', '/nowhere']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown ctl command "restart"/);
  });
});

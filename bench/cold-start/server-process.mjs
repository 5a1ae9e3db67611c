/**
 * Starts one server under test (tsunicorn's CLI or a plain node:cluster baseline), follows
 * its log until it says it is ready, and stops it again by pid. Both contenders print the
 * same two lines the harness needs: `Listening at: HOST:PORT` and `Ready: N worker(s)`.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** Every server started and not yet stopped, so an error or Ctrl-C can stop them all by pid. */
const running = new Set();

/**
 * Spawns `node args…` in `cwd` and resolves once its log has a `Ready:` line.
 * @returns {Promise<ServerProcess>}
 */
export async function startServer({ node, args, cwd, env, readyTimeoutMs = 60_000, label }) {
  const server = new ServerProcess(label, node, args, cwd, env);
  running.add(server);
  try {
    await server.waitReady(readyTimeoutMs);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

/** Stops every server still running; for error paths and signals. */
export async function stopAllServers() {
  await Promise.all([...running].map((s) => s.stop()));
}

class ServerProcess {
  constructor(label, node, args, cwd, env) {
    this.label = label;
    this.log = '';
    this.lines = [];
    this.exited = false;
    this.spawnedAt = performance.now();
    // A process group of its own lets stop() reach workers whose master died first.
    this.child = spawn(node, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.pid = this.child.pid;
    this.exit = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    this.exit.then(() => {
      this.exited = true;
    });
    this.waiters = [];
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (text) => {
        const parts = (partial + text).split('\n');
        partial = parts.pop();
        for (const line of parts) this.onLine(line);
      });
    }
  }

  onLine(line) {
    const at = performance.now();
    this.log += `${line}\n`;
    this.lines.push({ line, at });
    for (const w of this.waiters) w();
  }

  /** Resolves when a line matching `re` has been logged; rejects on exit or timeout. */
  waitForLine(re, timeoutMs) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.lines.find((l) => re.test(l.line));
        if (hit) return done(() => resolve(hit));
        if (this.exited) return done(() => reject(new Error(`${this.label} exited before logging ${re}:\n${tail(this.log)}`)));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`${this.label} did not log ${re} within ${timeoutMs} ms:\n${tail(this.log)}`))),
        timeoutMs,
      );
      const done = (fn) => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        fn();
      };
      this.waiters.push(check);
      this.exit.then(check);
      check();
    });
  }

  async waitReady(timeoutMs) {
    const ready = await this.waitForLine(/Ready: \d+ worker/, timeoutMs);
    this.readyAt = ready.at;
    this.startToReadyMs = ready.at - this.spawnedAt;
    const listening = this.lines.find((l) => /Listening at: /.test(l.line));
    const match = listening && /Listening at: (?:https?:\/\/)?([\d.]+):(\d+)/.exec(listening.line);
    if (!match) throw new Error(`${this.label} logged no "Listening at: HOST:PORT" line:\n${tail(this.log)}`);
    this.host = match[1];
    this.port = Number(match[2]);
  }

  /** TERM to the master, then KILL to its whole process group if it is not gone in time. */
  async stop(graceMs = 10_000) {
    if (!running.delete(this)) return this.exit;
    if (!this.exited) signal(this.pid, 'SIGTERM');
    const timer = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([this.exit, timer]);
    // Workers left behind by a master that died: they share the group created at spawn.
    signal(-this.pid, 'SIGKILL');
    return this.exit;
  }
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch (err) {
    if (err.code !== 'ESRCH') throw err;
  }
}

function tail(text, lines = 30) {
  return text.split('\n').slice(-lines).join('\n');
}

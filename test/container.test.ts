/**
 * The image's stop, as a pod stops: the example is laid out as the Dockerfile's build stage lays
 * out /app (`pnpm deploy --prod`), the final stage's ENTRYPOINT and CMD run in a new PID
 * namespace (as root, `unshare --pid`: the command really is PID 1, as in the container), and
 * TERM goes to that PID 1, as the kubelet sends it. A request in flight must complete, a new
 * connection during the shutdown delay must be served, and the whole process tree must exit 0.
 * No container engine runs here, so the image itself is not built; the command line is its own.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { get } from './helpers/http.js';
import { ROOT, until } from './helpers/server.js';
import { tempDir } from './helpers/temp.js';

/** What the Dockerfile's final stage says about how the container starts. */
interface ImageStart {
  readonly entrypoint: string[];
  readonly cmd: string[];
  readonly env: Record<string, string>;
  readonly user: string;
  readonly workdir: string;
}

/** Reads the last stage of a Dockerfile: exec-form ENTRYPOINT and CMD, ENV, USER, WORKDIR. */
function readImageStart(text: string): ImageStart {
  const joined = text.replace(/\\\n/g, ' ');
  const lastStage = joined.slice(joined.lastIndexOf('\nFROM '));
  const lines = lastStage.split('\n').map((l) => l.trim());
  const instruction = (name: string) => lines.filter((l) => l.startsWith(`${name} `)).map((l) => l.slice(name.length + 1).trim());
  const execForm = (name: string): string[] => {
    const value = instruction(name).at(-1);
    if (value === undefined) return [];
    expect(value.startsWith('['), `${name} must be in exec form (a JSON array): ${value}`).toBe(true);
    return JSON.parse(value) as string[];
  };
  const args = Object.fromEntries([...joined.matchAll(/^ARG (\w+)=(\S+)/gm)].map((m) => [m[1]!, m[2]!] as const));
  const env: Record<string, string> = {};
  for (const line of instruction('ENV')) {
    for (const m of line.matchAll(/(\w+)=(\S+)/g)) env[m[1]!] = m[2]!.replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? '');
  }
  return {
    entrypoint: execForm('ENTRYPOINT'),
    cmd: execForm('CMD'),
    env,
    user: instruction('USER').at(-1) ?? 'root',
    workdir: instruction('WORKDIR').at(-1) ?? '/',
  };
}

const image = readImageStart(readFileSync(join(ROOT, 'examples/Dockerfile'), 'utf8'));
const canUsePidNamespace = process.getuid?.() === 0 && existsSync('/usr/bin/unshare');
const tini = image.entrypoint[0] ?? '';
const hasTini = tini !== '' && existsSync(tini);

let app: string;
let running: ChildProcess | null = null;

beforeAll(() => {
  // The build stage's `pnpm deploy`, for the example with a slow route: /app as the image holds it.
  app = join(tempDir('tsunicorn-image-'), 'app');
  execFileSync('npx', ['-y', 'pnpm@12', '--filter', 'example-node-http', 'deploy', '--prod', app], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}, 300_000);

afterEach(async () => {
  // --kill-child: killing unshare kills the namespace's PID 1, and with it the namespace.
  if (running && running.exitCode === null && running.signalCode === null) {
    running.kill('SIGKILL');
    await once(running, 'exit');
  }
  running = null;
});

afterAll(() => {
  if (app) rmSync(dirname(app), { recursive: true, force: true });
});

describe('the example image (examples/Dockerfile)', () => {
  it('runs as a non-root user, with exec-form ENTRYPOINT and CMD that start node itself', () => {
    expect(image.user).not.toMatch(/^(root|0)$/);
    expect(image.workdir).toBe('/app');
    expect(image.cmd[0]).toBe('node');
    expect(image.cmd.join(' ')).not.toMatch(/\b(npx|npm|sh|bash)\b/);
    expect(image.entrypoint).toEqual(['/usr/bin/tini', '--']);
    expect(image.env.TSUNICORN_APP).toBe('app.js');
  });

  it.skipIf(!canUsePidNamespace || !hasTini)('drains on TERM to PID 1 under tini, as in the pod', async () => {
    await expectDrainsOnTerm([...image.entrypoint, ...image.cmd]);
  });

  it.skipIf(!canUsePidNamespace)('drains on TERM to PID 1 when tsunicorn itself is PID 1 (no init)', async () => {
    await expectDrainsOnTerm(image.cmd);
  });
});

async function expectDrainsOnTerm(command: string[]): Promise<void> {
  const argv = command.map((arg, i) => (i === command.indexOf('node') ? process.execPath : arg));
  const env = {
    PATH: [dirname(process.execPath), process.env.PATH].join(delimiter),
    ...image.env,
    // What a pod's env adds (deploy/kubernetes/deployment.yaml): workers, the endpoint-removal
    // delay. The bind is a free loopback port instead of the image's 0.0.0.0:8000.
    TSUNICORN_BIND: '127.0.0.1:0',
    TSUNICORN_WORKERS: '2',
    TSUNICORN_SHUTDOWN_DELAY: '2',
  };
  const child = spawn('unshare', ['--pid', '--kill-child', '--', ...argv], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running = child;
  let log = '';
  child.stdout!.on('data', (c: Buffer) => (log += c));
  child.stderr!.on('data', (c: Buffer) => (log += c));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;

  await until(() => /Ready: 2 worker/.test(log), 30_000, `the server to be ready\n${log}`);
  const port = Number(/Listening at: 127\.0\.0\.1:(\d+)/.exec(log)![1]);
  const pid1 = childrenOf(child.pid!)[0]!;
  expect(namespacePid(pid1), 'the command runs as PID 1 of its namespace').toBe(1);
  const tree = descendantsOf(pid1);
  // The master and its two workers, and tini above them when it is the entrypoint.
  expect(tree.length).toBeGreaterThanOrEqual(command[0] === tini ? 3 : 2);

  const inFlight = startRequest(port, '/slow?ms=3000');
  await inFlight.sent;
  process.kill(pid1, 'SIGTERM');
  await until(() => /Handling signal: term/.test(log), 10_000, `the master to see TERM\n${log}`);
  // The endpoint is still being removed from Services: a new connection is still served.
  expect((await get(port, '/')).status).toBe(200);

  const reply = await inFlight.reply;
  expect(reply.status).toBe(200);
  expect(JSON.parse(reply.body)).toMatchObject({ slept: 3000 });
  const [code, signal] = await exited;
  expect({ code, signal }).toEqual({ code: 0, signal: null });
  for (const pid of [pid1, ...tree]) expect(existsSync(`/proc/${pid}`), `process ${pid} of the tree is gone`).toBe(false);
  expect(log).toMatch(/Shutting down: Master/);
}

/** A GET whose `sent` resolves once the request is written to a connected socket. */
function startRequest(port: number, path: string) {
  let markSent!: () => void;
  const sent = new Promise<void>((resolve) => (markSent = resolve));
  const reply = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.on('socket', (socket) => socket.once('connect', markSent));
    req.end();
  });
  return { sent, reply };
}

function childrenOf(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text === '' ? [] : text.split(/\s+/).map(Number);
}

function descendantsOf(pid: number): number[] {
  return childrenOf(pid).flatMap((child) => [child, ...descendantsOf(child)]);
}

/** The pid a process has inside its own PID namespace (the last NSpid field). */
function namespacePid(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^NSpid:\s+(.+)$/m)![1]!;
  return Number(line.trim().split(/\s+/).at(-1));
}

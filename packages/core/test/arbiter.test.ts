import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadSettings, type UserConfig } from '../src/index.js';
import { Arbiter } from '../src/master/arbiter.js';
import { WorkerHandle } from '../src/master/worker-handle.js';
import type { Settings } from '../src/settings/index.js';
import { type FakeChild, fakeChild, memoryLogger } from './helpers/fake-master.js';

/** Lets I/O and promise callbacks run (the clock is fake; setImmediate is not). */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let turn = 0; turn < 2000; turn++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const child = (w: WorkerHandle) => w.child as unknown as FakeChild;

/** An arbiter over fake worker processes, started and with every worker ready. */
async function startArbiter(config: UserConfig = {}) {
  const settings = loadSettings({ workers: 2, bind: ['127.0.0.1:0'], ...config });
  const log = memoryLogger();
  const spawned: WorkerHandle[] = [];
  let reread: () => Promise<Settings> = async () => settings;
  const arbiter = new Arbiter({
    settings,
    log,
    command: { entry: '', args: [], execArgv: [], configPath: null },
    rereadSettings: () => reread(),
    installSignals: false,
    spawn(_settings, id, generation, onChange) {
      const worker = new WorkerHandle(id, generation, fakeChild(), onChange);
      spawned.push(worker);
      return worker;
    },
  });
  const finished = arbiter.run();
  await until(() => spawned.length === settings.workers, 'the first workers');
  for (const w of spawned) child(w).ready();
  await until(() => log.has(/Ready: \d+ worker\(s\) serving/), 'the master to be ready');
  const live = () => spawned.filter((w) => child(w).connected);
  return {
    arbiter,
    log,
    spawned,
    live,
    finished,
    setReread(fn: () => Promise<Settings>) {
      reread = fn;
    },
    /** Plays the workers: booting ones become ready, draining ones exit, until `done`. */
    async play(done: () => boolean, what: string) {
      await until(() => {
        for (const w of live()) {
          if (w.isBooting) child(w).ready();
          else if (w.state.name === 'draining') child(w).exit(0);
        }
        return done();
      }, what);
    },
    /** INT, then every process exits: the arbiter resolves. */
    async stop() {
      arbiter.signal('SIGINT');
      await arbiter.settled();
      for (const w of live()) child(w).exit(0);
      return finished;
    },
  };
}

const lineOf = (lines: string[], pattern: RegExp) => lines.findIndex((l) => pattern.test(l));

describe('Arbiter decisions (fake processes, fake clock)', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  it('runs signal actions one at a time: TTIN and TERM wait for a HUP still reading its config', async () => {
    const m = await startArbiter();
    let release!: () => void;
    const settings = m.arbiter.settings;
    m.setReread(() => new Promise<Settings>((resolve) => (release = () => resolve(settings))));
    m.arbiter.signal('SIGHUP');
    m.arbiter.signal('SIGTTIN');
    m.arbiter.signal('SIGTERM');
    await until(() => release !== undefined, 'the reload to read its config');
    await new Promise((resolve) => setImmediate(resolve));
    expect(m.log.has(/Workers: 2 -> 3/)).toBe(false);
    expect(m.spawned.some((w) => child(w).asked('drain'))).toBe(false);
    release();
    await m.arbiter.settled();
    const reloading = lineOf(m.log.lines, /Reloading: gen 2/);
    const scaled = lineOf(m.log.lines, /Workers: 2 -> 3/);
    const stopping = lineOf(m.log.lines, /Handling signal: term/);
    expect(reloading).toBeGreaterThan(-1);
    expect(scaled).toBeGreaterThan(reloading);
    expect(stopping).toBeGreaterThan(scaled);
    expect(m.spawned.filter((w) => w.generation === 1).every((w) => child(w).asked('drain'))).toBe(true);
    for (const w of m.live()) child(w).exit(0);
    expect(await m.finished).toBe(0);
  });

  it('finishes a reload started while scaling up, with every slot on the new generation', async () => {
    const m = await startArbiter();
    m.arbiter.signal('SIGHUP');
    m.arbiter.signal('SIGTTIN');
    await m.arbiter.settled();
    await m.play(() => m.log.has(/Reload to gen 2 complete/), 'the reload to complete');
    const serving = m.live().filter((w) => w.canTakeConnections);
    expect(serving.map((w) => [w.id, w.generation]).sort()).toEqual([
      [1, 2],
      [2, 2],
      [3, 2],
    ]);
    expect(m.arbiter.info.readyWorkers).toBe(3);
    await m.stop();
  });

  it('replaces a worker that crashes during a reload with one of the new generation, and completes', async () => {
    const m = await startArbiter();
    m.arbiter.signal('SIGHUP');
    await m.arbiter.settled();
    await until(() => m.spawned.length === 3, 'the first successor');
    const old2 = m.spawned.find((w) => w.id === 2 && w.generation === 1)!;
    child(old2).exit(1);
    await until(() => m.spawned.some((w) => w.id === 2 && w.generation === 2), 'the respawn');
    expect(m.log.has(/Worker 2 \(pid: \d+, gen 1\) exited with code 1/)).toBe(true);
    await m.play(() => m.log.has(/Reload to gen 2 complete/), 'the reload to complete');
    expect(m.spawned.filter((w) => w.generation === 2)).toHaveLength(2);
    await m.stop();
  });

  it('aborts a reload whose new worker fails to boot; the old workers keep serving and are no longer due', async () => {
    const m = await startArbiter();
    const old = [...m.spawned];
    m.arbiter.signal('SIGHUP');
    await m.arbiter.settled();
    await until(() => m.spawned.length === 3, 'the first successor');
    child(m.spawned[2]!).exit(3);
    await until(() => m.log.has(/Reload to gen 2 failed/), 'the reload to fail');
    expect(old.every((w) => w.canTakeConnections && !w.isDueForReplacement)).toBe(true);
    expect(m.arbiter.info.readyWorkers).toBe(2);
    await m.stop();
  });

  it('removes a crash-looping slot on TTOU, not a worker that serves', async () => {
    const m = await startArbiter({ workers: 3 });
    const [w1, w2, w3] = m.spawned;
    child(w2!).exit(1);
    await until(() => m.spawned.length === 4, 'the respawn');
    child(m.spawned[3]!).exit(1);
    await until(() => m.log.has(/Worker slot 2 crashed 2 times in a row/), 'the backoff');
    m.arbiter.signal('SIGTTOU');
    await m.arbiter.settled();
    expect(m.log.has(/Workers: 3 -> 2/)).toBe(true);
    // Past the slot's backoff: a slot that still existed would be spawned again.
    vi.advanceTimersByTime(1000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(m.spawned).toHaveLength(4);
    expect([w1, w3].every((w) => w!.canTakeConnections && !child(w!).asked('drain'))).toBe(true);
    await m.stop();
  });

  it('ignores HUP and TTIN while stopping, and exits once the draining workers have', async () => {
    const m = await startArbiter();
    m.arbiter.signal('SIGTERM');
    m.arbiter.signal('SIGHUP');
    m.arbiter.signal('SIGTTIN');
    await m.arbiter.settled();
    expect(m.log.has(/Reload ignored: the server is not running/)).toBe(true);
    expect(m.log.has(/TTIN ignored: the server is not running/)).toBe(true);
    expect(m.spawned).toHaveLength(2);
    expect(m.spawned.every((w) => child(w).asked('drain'))).toBe(true);
    expect(m.arbiter.info.readyWorkers).toBe(0);
    child(m.spawned[0]!).exit(0);
    vi.advanceTimersByTime(60_000);
    await until(() => m.live().length === 0, 'the kill after graceful-timeout');
    expect(await m.finished).toBe(0);
    expect(m.spawned.map((w) => w.state)).toEqual([
      { name: 'exited', reason: 'retired' },
      { name: 'exited', reason: 'killed' },
    ]);
  });

  it('stops at once on INT during the shutdown delay of a TERM', async () => {
    const m = await startArbiter({ shutdownDelay: 30 });
    m.arbiter.signal('SIGTERM');
    await m.arbiter.settled();
    expect(m.log.has(/Shutdown delay/)).toBe(true);
    m.arbiter.signal('SIGINT');
    await m.arbiter.settled();
    expect(m.spawned.every((w) => child(w).asked('quit'))).toBe(true);
    for (const w of m.live()) child(w).exit(0);
    expect(await m.finished).toBe(0);
  });
});

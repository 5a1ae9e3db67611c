import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WorkerHandle } from '../src/master/worker-handle.js';
import { fakeChild, warmup } from './helpers/fake-master.js';

const limits = { bootMs: 30_000, silentMs: 10_000 };

function handle() {
  const child = fakeChild();
  const changes: string[] = [];
  const worker = new WorkerHandle(1, 1, child, (w, change) => changes.push(change === 'free' ? 'free' : w.state.name));
  return { child, worker, changes };
}

describe('WorkerHandle', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('takes connections only once ready, and reports each change of state', () => {
    const { worker, changes } = handle();
    expect(worker.canTakeConnections).toBe(false);
    expect(worker.becomeReady(warmup)).toBe(true);
    expect(worker.canTakeConnections).toBe(true);
    worker.markForReplacement('reload to gen 2');
    expect(worker.isDueForReplacement).toBe(true);
    expect(worker.canTakeConnections).toBe(true);
    worker.drain('replaced', 30_000, 0);
    expect(worker.canTakeConnections).toBe(false);
    expect(changes).toEqual(['ready', 'retiring', 'draining']);
  });

  it('keeps the first reason for a replacement, and cancels only the replacement it is asked to', () => {
    const { worker } = handle();
    worker.becomeReady(warmup);
    worker.markForReplacement('served 100 requests (max-requests)');
    worker.markForReplacement('reload to gen 2');
    expect(worker.replacementReason).toBe('served 100 requests (max-requests)');
    worker.keep('reload to gen 2');
    expect(worker.isDueForReplacement).toBe(true);
    worker.keep('served 100 requests (max-requests)');
    expect(worker.state.name).toBe('ready');
  });

  it('does not become ready once it is being ended', () => {
    const { worker } = handle();
    worker.abort();
    expect(worker.becomeReady(warmup)).toBe(false);
    expect(worker.canTakeConnections).toBe(false);
  });

  it('has a boot deadline while booting and a check-in deadline while serving or draining', () => {
    const { worker } = handle();
    expect(worker.deadline(limits)).toEqual({ at: 1_000_000 + 30_000, missed: 'boot-timeout' });
    vi.advanceTimersByTime(5000);
    worker.becomeReady(warmup);
    worker.lastSeen = Date.now();
    expect(worker.deadline(limits)).toEqual({ at: Date.now() + 10_000, missed: 'hung' });
    worker.drain('replaced', 30_000, 0);
    expect(worker.deadline(limits)?.missed).toBe('hung');
    expect(worker.deadline({ bootMs: 30_000, silentMs: 0 })).toBeNull();
    worker.kill('hung');
    expect(worker.deadline(limits)).toBeNull();
  });

  it('kills a worker still draining after the grace, and says it was killed', () => {
    const { worker, child } = handle();
    worker.becomeReady(warmup);
    worker.drain('replaced', 5000, 0);
    expect(child.asked('drain')).toBe(true);
    vi.advanceTimersByTime(5999);
    expect(child.signals).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(child.signals).toEqual(['SIGKILL']);
    expect(worker.exitReason(null)).toBe('killed');
    expect(worker.describeExit('killed', null, 'SIGKILL')).toMatch(/still busy after graceful-timeout/);
  });

  it('moves the kill earlier on INT during a drain', () => {
    const { worker, child } = handle();
    worker.becomeReady(warmup);
    worker.drain('replaced', 30_000, 0);
    worker.quit();
    vi.advanceTimersByTime(1999);
    expect(child.signals).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(child.signals).toEqual(['SIGKILL']);
    expect(worker.exitReason(null)).toBe('killed');
  });

  it('names each way of ending in its exit reason', () => {
    const booting = handle().worker;
    expect(booting.exitReason(1)).toBe('boot-failed');
    const aborted = handle().worker;
    aborted.abort();
    expect(aborted.exitReason(null)).toBe('boot-failed');
    const discarded = handle().worker;
    discarded.kill('discarded');
    expect(discarded.exitReason(null)).toBe('retired');
    const hung = handle().worker;
    hung.becomeReady(warmup);
    hung.kill('hung');
    expect(hung.exitReason(null)).toBe('killed');
    expect(hung.describeExit('killed', null, 'SIGKILL')).toMatch(/\(hung\)/);
    const crashed = handle().worker;
    crashed.becomeReady(warmup);
    expect(crashed.exitReason(1)).toBe('crashed');
    expect(crashed.describeExit('crashed', null, 'SIGKILL')).toMatch(/Perhaps out of memory/);
    expect(crashed.exitReason(0)).toBe('retired');
    expect(crashed.exited(1)).toBe('crashed');
    expect(crashed.state).toEqual({ name: 'exited', reason: 'crashed' });
  });

  it("keeps the master's copy of a connection until the worker acknowledges the handle", () => {
    const { child, worker } = handle();
    worker.becomeReady(warmup);
    const connection = {
      closed: false,
      close() {
        this.closed = true;
      },
    };
    const returned: unknown[] = [];
    expect(worker.sendConnection(connection, (c) => returned.push(c))).toBe(true);
    expect(connection.closed).toBe(false);
    child.emit('internalMessage', { cmd: 'NODE_HANDLE_ACK' });
    expect(connection.closed).toBe(true);
    expect(returned).toEqual([]);
  });

  it('gives back a connection the worker could not take, or never took before it exited', () => {
    const { child, worker } = handle();
    worker.becomeReady(warmup);
    const make = () => ({ closed: false, close() {} });
    const [refused, pending, queued] = [make(), make(), make()];
    const returned: unknown[] = [];
    for (const c of [refused, pending, queued]) worker.sendConnection(c, (back) => returned.push(back));
    child.emit('internalMessage', { cmd: 'NODE_HANDLE_NACK' });
    expect(returned).toEqual([refused]);
    child.exit(null, 'SIGKILL');
    worker.exited(null);
    expect(returned).toEqual([refused, pending, queued]);
  });

  it('reports a connection in transit until it is acknowledged, and as its load the requests in flight and the connections handed since', () => {
    const { child, worker, changes } = handle();
    worker.becomeReady(warmup);
    worker.checkIn(10, 3);
    worker.sendConnection({ close() {} }, () => {});
    expect(worker.handoverPending).toBe(true);
    expect(worker.load).toBe(4);
    child.emit('internalMessage', { cmd: 'NODE_HANDLE_ACK' });
    expect(worker.handoverPending).toBe(false);
    expect(changes.at(-1)).toBe('free');
    worker.checkIn(12, 1);
    expect(worker.load).toBe(1);
  });
});

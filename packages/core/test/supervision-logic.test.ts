import { createServer } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServedApp } from '../src/adapter/contract.js';
import { detectFramework } from '../src/adapter/detect.js';
import { loadSettings } from '../src/index.js';
import { createLogger } from '../src/logger.js';
import { Slot, Slots } from '../src/master/slots.js';
import type { WorkerHandle } from '../src/master/worker-handle.js';
import { cgroupCpuQuota } from '../src/settings/cpu-count.js';
import { compileAccessFormat } from '../src/worker/access-log.js';
import { planRequests } from '../src/worker/warmup.js';

const quietLog = createLogger('/dev/null', 'critical');
const crashed = (readyAt = 0) => ({ readyAt }) as WorkerHandle;

describe('crash backoff', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('respawns at once after a first crash, then doubles the delay up to 30 s', () => {
    const slot = new Slot(1);
    const delays = [];
    for (let i = 0; i < 9; i++) {
      slot.recordCrash(crashed(), quietLog);
      delays.push(slot.backoffUntil - Date.now());
    }
    expect(delays).toEqual([0, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });

  it('forgets the streak when the crashed worker had served for a while', () => {
    const slot = new Slot(1);
    for (let i = 0; i < 4; i++) slot.recordCrash(crashed(), quietLog);
    vi.advanceTimersByTime(60_000);
    slot.recordCrash(crashed(Date.now() - 45_000), quietLog);
    expect(slot.backoffUntil).toBe(Date.now());
  });
});

describe('slots', () => {
  it('numbers slots from 1 and reuses the lowest free number', () => {
    const slots = new Slots();
    const [a, b, c] = [slots.add(), slots.add(), slots.add()];
    expect([a.id, b.id, c.id]).toEqual([1, 2, 3]);
    a.current = { spawnedAt: 5, canTakeConnections: true } as WorkerHandle;
    b.current = { spawnedAt: 1, canTakeConnections: true } as WorkerHandle;
    c.current = { spawnedAt: 9, canTakeConnections: true } as WorkerHandle;
    expect(slots.removeOldest().id).toBe(2);
    expect(slots.add().id).toBe(2);
  });

  it('scales down a slot that serves nobody (crash-looping or booting) before the oldest serving one', () => {
    const slots = new Slots();
    const [a, b, c] = [slots.add(), slots.add(), slots.add()];
    a.current = { spawnedAt: 1, canTakeConnections: true } as WorkerHandle;
    b.current = null;
    c.current = { spawnedAt: 9, canTakeConnections: false, isBooting: true } as WorkerHandle;
    expect(slots.removeOldest().id).toBe(2);
    expect(slots.removeOldest().id).toBe(3);
    expect(slots.removeOldest().id).toBe(1);
  });

  it('lets a booting successor take the place of a current worker that died', () => {
    const slots = new Slots();
    const slot = slots.add();
    const current = { id: 1 } as WorkerHandle;
    const next = { id: 1, isBooting: true } as WorkerHandle;
    slot.current = current;
    slot.next = next;
    expect(slots.bootingSuccessors()).toBe(1);
    slots.release(current);
    expect(slot.current).toBe(next);
    expect(slot.next).toBeNull();
  });
});

describe('warm-up plan', () => {
  const app = (routes: { method: string; path: string }[], extra = [] as { url: string; method?: string }[]): ServedApp => ({
    server: createServer(),
    routes: () => routes,
    warmupRequests: () => extra,
    close: async () => {},
  });

  it('keeps discovered GET and HEAD routes without parameters, then the adapter’s and the configured requests', () => {
    const settings = loadSettings({ warmupRequests: ['/users/1', { method: 'POST', url: '/orders', body: {} }] });
    const plan = planRequests(
      app(
        [
          { method: 'GET', path: '/' },
          { method: 'HEAD', path: '/' },
          { method: 'GET', path: '/users/:id' },
          { method: 'POST', path: '/orders' },
          { method: 'GET', path: '/files/*' },
        ],
        [{ method: 'POST', url: '/__body' }],
      ),
      settings,
    );
    expect(plan.map((r) => `${r.method ?? 'GET'} ${r.url}`)).toEqual(['GET /', 'HEAD /', 'POST /__body', 'GET /users/1', 'POST /orders']);
  });

  it('lets a configured request replace a discovered one for the same method and URL', () => {
    const settings = loadSettings({ warmupRequests: [{ url: '/', expectStatus: 302 }] });
    expect(planRequests(app([{ method: 'GET', path: '/' }]), settings)).toEqual([{ url: '/', expectStatus: 302 }]);
  });

  it('discovers nothing when warmupRoutes is off', () => {
    expect(planRequests(app([{ method: 'GET', path: '/' }]), loadSettings({ warmupRoutes: false }))).toEqual([]);
  });
});

describe('access log format', () => {
  it('fills gunicorn’s atoms and request/response headers', () => {
    const line = compileAccessFormat('%(m)s %(U)s %(q)s %(s)s %({x-id}i)s %({content-type}o)s %(D)s');
    const req = { method: 'GET', url: '/a?b=1', headers: { 'x-id': 'abc' }, socket: {} };
    const res = { statusCode: 201, getHeader: (n: string) => (n === 'content-type' ? 'text/plain' : undefined) };
    expect(line(req as never, res as never, 1234.4)).toBe('GET /a b=1 201 abc text/plain 1234');
  });
});

describe('framework detection', () => {
  it('recognises a plain listener and an http.Server, and nothing else', () => {
    expect(detectFramework((_req: unknown, _res: unknown) => {})).toBe('node-listener');
    expect(detectFramework(createServer())).toBe('node-server');
    expect(detectFramework({ hello: 'world' })).toBeNull();
    expect(detectFramework(() => {})).toBeNull();
  });
});

describe('CPU count', () => {
  const files = (entries: Record<string, string>) => (path: string) => {
    if (path in entries) return entries[path]!;
    throw new Error('ENOENT');
  };

  it('reads a cgroup v2 quota, and none when it is "max"', () => {
    expect(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu.max': '150000 100000\n' }))).toBe(1.5);
    expect(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu.max': 'max 100000\n' }))).toBeNull();
  });

  it('reads a cgroup v1 quota, and none when it is -1', () => {
    const v1 = (quota: string) => files({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': quota, '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000' });
    expect(cgroupCpuQuota(v1('200000'))).toBe(2);
    expect(cgroupCpuQuota(v1('-1'))).toBeNull();
  });
});

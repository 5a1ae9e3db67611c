import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadSettings } from '../src/index.js';
import { Reload } from '../src/master/reload.js';
import { Slots } from '../src/master/slots.js';
import { WorkerHandle } from '../src/master/worker-handle.js';
import { fakeChild, memoryLogger, warmup } from './helpers/fake-master.js';

function serving(generation: number, id: number): WorkerHandle {
  const worker = new WorkerHandle(id, generation, fakeChild());
  worker.becomeReady(warmup);
  return worker;
}

function twoSlots(): Slots {
  const slots = new Slots();
  for (const slot of [slots.add(), slots.add()]) slot.current = serving(1, slot.id);
  return slots;
}

describe('Reload', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('marks every worker of an older generation for replacement', () => {
    const slots = twoSlots();
    new Reload(2, loadSettings(), memoryLogger()).markOld(slots);
    expect([...slots].map((s) => s.current?.replacementReason)).toEqual(['reload to gen 2', 'reload to gen 2']);
  });

  it('is complete once every slot is served by a warm worker of its generation, and logs each step', () => {
    const log = memoryLogger();
    const slots = twoSlots();
    const reload = new Reload(2, loadSettings(), log);
    reload.markOld(slots);
    expect(reload.progress(slots)).toBe(false);
    const [a, b] = [...slots];
    a!.current = serving(2, 1);
    expect(reload.progress(slots)).toBe(false);
    b!.current = serving(2, 2);
    expect(reload.progress(slots)).toBe(true);
    expect(log.lines.filter((l) => /workers warm and serving/.test(l))).toEqual([
      'INFO Reload gen 2: 0/2 workers warm and serving',
      'INFO Reload gen 2: 1/2 workers warm and serving',
      'INFO Reload gen 2: 2/2 workers warm and serving',
    ]);
  });

  it('on abort, discards its booting successors and lets the old workers stay, keeping other replacements', () => {
    const slots = twoSlots();
    const [a, b] = [...slots];
    b!.current!.markForReplacement('served 100 requests (max-requests)');
    const reload = new Reload(2, loadSettings(), memoryLogger());
    reload.markOld(slots);
    const successor = new WorkerHandle(1, 2, fakeChild());
    a!.next = successor;
    reload.abort(slots, 'boom');
    expect(successor.state).toEqual({ name: 'ending', how: 'discarded', booted: false });
    expect(a!.current!.isDueForReplacement).toBe(false);
    expect(b!.current!.replacementReason).toBe('served 100 requests (max-requests)');
  });
});

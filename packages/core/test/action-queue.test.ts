import { describe, expect, it } from 'vitest';
import { ActionQueue } from '../src/master/action-queue.js';
import { checkReusePortSupport } from '../src/master/reuseport.js';
import { memoryLogger } from './helpers/fake-master.js';

/** A promise with its resolve function outside. */
function gate(): { promise: Promise<void>; open(): void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('the master action queue', () => {
  it('runs one action at a time, in the order they came, with housekeeping after each', async () => {
    const events: string[] = [];
    const queue = new ActionQueue({}, memoryLogger(), () => events.push('tick'));
    const first = gate();
    queue.enqueue({
      name: 'signal: hup',
      run: async () => {
        events.push('hup starts');
        await first.promise;
        events.push('hup ends');
      },
    });
    queue.enqueue({ name: 'signal: term', run: () => events.push('term') });
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual(['hup starts']);
    first.open();
    await queue.settled();
    expect(events).toEqual(['hup starts', 'hup ends', 'tick', 'term', 'tick']);
  });

  it('logs a failing action and still runs the next', async () => {
    const log = memoryLogger();
    const ran: string[] = [];
    const queue = new ActionQueue({}, log, () => {});
    queue.enqueue({
      name: 'signal: ttin',
      run: () => {
        throw new Error('no slot');
      },
    });
    queue.enqueue({ name: 'signal: ttou', run: () => ran.push('ttou') });
    await queue.settled();
    expect(log.has(/^ERROR Handling signal: ttin failed: Error: no slot/)).toBe(true);
    expect(ran).toEqual(['ttou']);
  });

  it("answers a ctl command with its action's result or error", async () => {
    const queue = new ActionQueue({}, memoryLogger(), () => {});
    await expect(queue.perform('ctl scale', async () => ({ ok: true }))).resolves.toEqual({ ok: true });
    await expect(
      queue.perform('ctl reload', () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
  });
});

describe('dispatch reuseport', () => {
  it('is refused on a Node without listen({ reusePort }), naming the setting and the version', () => {
    expect(() => checkReusePortSupport('20.19.0')).toThrow(
      'invalid value for setting "dispatch" (--dispatch): reuseport needs Node >= 22.12 (this is v20.19.0); use master or shared',
    );
    expect(() => checkReusePortSupport('22.11.0')).toThrow('reuseport needs Node >= 22.12');
    for (const version of ['22.12.0', '23.1.0', '24.0.0']) expect(() => checkReusePortSupport(version)).not.toThrow();
  });
});

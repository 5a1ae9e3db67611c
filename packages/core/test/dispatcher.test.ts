import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Dispatcher, type DispatchTarget } from '../src/master/dispatcher.js';

class Target implements DispatchTarget {
  canTakeConnections = false;
  isDueForReplacement = false;
  open = true;
  readonly got: Socket[] = [];
  constructor(readonly name: string) {}
  sendConnection(socket: Socket): boolean {
    if (!this.open) return false;
    this.got.push(socket);
    return true;
  }
}

const socket = () => new Socket();

function ready(d: Dispatcher<Target>, t: Target, due = false): Target {
  t.canTakeConnections = true;
  t.isDueForReplacement = due;
  d.workerChanged(t);
  return t;
}

describe('Dispatcher', () => {
  it('holds connections while no worker is ready and hands them over, oldest first, once one is', () => {
    const d = new Dispatcher<Target>();
    const [s1, s2] = [socket(), socket()];
    d.accept(s1);
    d.accept(s2);
    expect(d.waitingCount).toBe(2);
    const a = ready(d, new Target('a'));
    expect(a.got).toEqual([s1, s2]);
    expect(d.waitingCount).toBe(0);
  });

  it('refuses connections past the backlog, as a full accept queue does', () => {
    const d = new Dispatcher<Target>(2);
    const sockets = [socket(), socket(), socket()];
    for (const s of sockets) d.accept(s);
    expect(d.waitingCount).toBe(2);
    expect(sockets[2]!.destroyed).toBe(true);
  });

  it('takes turns among ready workers and skips one whose channel is closed', () => {
    const d = new Dispatcher<Target>();
    const [a, b, c] = [ready(d, new Target('a')), ready(d, new Target('b')), ready(d, new Target('c'))];
    b.open = false;
    for (let i = 0; i < 4; i++) d.accept(socket());
    expect([a.got.length, b.got.length, c.got.length]).toEqual([2, 0, 2]);
  });

  it('gives workers due for replacement connections only when no other worker is ready', () => {
    const d = new Dispatcher<Target>();
    const old = ready(d, new Target('old'), true);
    d.accept(socket());
    expect(old.got).toHaveLength(1);
    const fresh = ready(d, new Target('new'));
    for (let i = 0; i < 3; i++) d.accept(socket());
    expect([old.got.length, fresh.got.length]).toEqual([1, 3]);
  });

  it('gives no connection to a worker that stopped taking them', () => {
    const d = new Dispatcher<Target>();
    const a = ready(d, new Target('a'));
    a.canTakeConnections = false;
    d.workerChanged(a);
    d.accept(socket());
    expect(a.got).toHaveLength(0);
    expect(d.readyCount).toBe(0);
    expect(d.waitingCount).toBe(1);
    d.close();
    expect(d.waitingCount).toBe(0);
  });
});

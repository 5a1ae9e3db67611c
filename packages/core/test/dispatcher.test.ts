import { describe, expect, it } from 'vitest';
import { Dispatcher, type DispatchTarget } from '../src/master/dispatcher.js';
import type { ConnectionHandle } from '../src/protocol/messages.js';

/** A connection handle that records whether the master closed it. */
class Connection implements ConnectionHandle {
  closed = false;
  close(): void {
    this.closed = true;
  }
}

class Target implements DispatchTarget {
  canTakeConnections = false;
  isDueForReplacement = false;
  open = true;
  load = 0;
  /** Whether a connection sent stays in transit until `acknowledge()`; off, each is taken at once. */
  holds = false;
  handoverPending = false;
  readonly got: ConnectionHandle[] = [];
  private readonly returns: ((c: ConnectionHandle) => void)[] = [];
  constructor(readonly name: string) {}
  sendConnection(connection: ConnectionHandle, undelivered: (c: ConnectionHandle) => void): boolean {
    if (!this.open) return false;
    if (this.handoverPending) throw new Error(`${this.name} was sent a connection while one was in transit`);
    this.got.push(connection);
    this.returns.push(undelivered);
    this.handoverPending = this.holds;
    return true;
  }
  /** Its child_process acknowledged the connection in transit. */
  acknowledge(d: Dispatcher<Target>): void {
    this.handoverPending = false;
    d.workerChanged(this, 'free');
  }
  /** The worker died before it took what it was sent: each goes back. */
  giveBack(): void {
    for (const [i, c] of this.got.entries()) this.returns[i]!(c);
  }
}

const socket = () => new Connection();

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
    expect(sockets[2]!.closed).toBe(true);
  });

  it('takes turns among ready workers and skips one whose channel is closed', () => {
    const d = new Dispatcher<Target>(2048, 'round-robin');
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

  it('sends each connection to the least busy ready worker', () => {
    const d = new Dispatcher<Target>();
    const [a, b, c] = [ready(d, new Target('a')), ready(d, new Target('b')), ready(d, new Target('c'))];
    a.load = 5;
    b.load = 1;
    c.load = 3;
    d.accept(socket());
    expect([a.got.length, b.got.length, c.got.length]).toEqual([0, 1, 0]);
  });

  it('shares connections evenly among equally busy workers', () => {
    const d = new Dispatcher<Target>();
    const [a, b] = [ready(d, new Target('a')), ready(d, new Target('b'))];
    for (let i = 0; i < 6; i++) d.accept(socket());
    expect([a.got.length, b.got.length]).toEqual([3, 3]);
  });

  it('gives a connection a worker never took to another worker', () => {
    const d = new Dispatcher<Target>(2048, 'round-robin');
    const [a, b] = [ready(d, new Target('a')), ready(d, new Target('b'))];
    const lost = socket();
    d.accept(lost);
    expect(a.got).toEqual([lost]);
    a.canTakeConnections = false;
    d.workerChanged(a);
    a.giveBack();
    expect(b.got).toEqual([lost]);
    expect(lost.closed).toBe(false);
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

  it('sends a worker its next connection only once it acknowledged the last, and the waiting one to the first that does', () => {
    const d = new Dispatcher<Target>(2048, 'round-robin');
    const [a, b] = [new Target('a'), new Target('b')];
    a.holds = true;
    b.holds = true;
    ready(d, a);
    ready(d, b);
    const sockets = [socket(), socket(), socket(), socket()];
    for (const s of sockets) d.accept(s);
    expect([a.got, b.got]).toEqual([[sockets[0]], [sockets[1]]]);
    expect(d.waitingCount).toBe(2);
    b.acknowledge(d);
    expect(b.got).toEqual([sockets[1], sockets[2]]);
    a.acknowledge(d);
    expect(a.got).toEqual([sockets[0], sockets[3]]);
    expect(d.waitingCount).toBe(0);
  });

  it('prefers a free worker over a less busy one with a connection in transit', () => {
    const d = new Dispatcher<Target>();
    const [a, b] = [new Target('a'), new Target('b')];
    a.holds = true;
    ready(d, a);
    ready(d, b);
    b.load = 10;
    d.accept(socket());
    d.accept(socket());
    expect([a.got.length, b.got.length]).toEqual([1, 1]);
  });

  it('keeps connections waiting for an acknowledgment beyond the backlog: it limits only what waits for a ready worker', () => {
    const d = new Dispatcher<Target>(1, 'round-robin');
    const a = new Target('a');
    a.holds = true;
    ready(d, a);
    const sockets = [socket(), socket(), socket()];
    for (const s of sockets) d.accept(s);
    expect(sockets.some((s) => s.closed)).toBe(false);
    a.acknowledge(d);
    a.acknowledge(d);
    expect(a.got).toEqual(sockets);
  });
});

import type { ConnectionHandle } from '../protocol/messages.js';

/** How the dispatcher picks among ready workers. */
export type Balance = 'least-busy' | 'round-robin';

/** What the dispatcher needs of a worker: whether it takes connections, how busy it is, and a way to send one. */
export interface DispatchTarget {
  /** Ready and not ending: it may be handed connections. */
  readonly canTakeConnections: boolean;
  /** Serving until its successor is warm: it gets connections only when no other worker can. */
  readonly isDueForReplacement: boolean;
  /** How busy it is now (see WorkerHandle.load): what least-busy dispatch compares. */
  readonly load: number;
  /**
   * Hands a connection over; false when the worker's channel is closed. `undelivered` runs
   * when the connection did not reach the worker after all (it died first), so that another
   * worker can take it.
   */
  sendConnection(connection: ConnectionHandle, undelivered: (connection: ConnectionHandle) => void): boolean;
}

/**
 * The path from an accepted connection to a worker, in one object (as Node's RoundRobinHandle):
 * the connections waiting for a ready worker, the set of ready workers, and the choice among
 * them. Workers tell it when their state changes (`workerChanged`); the listeners give it
 * every accepted connection (`accept`).
 */
export class Dispatcher<W extends DispatchTarget = DispatchTarget> {
  private readonly waiting: ConnectionHandle[] = [];
  private readonly workers = new Set<W>();
  private ready: W[] | null = null;
  private cursor = 0;
  private readonly redispatch = (connection: ConnectionHandle) => this.accept(connection);

  /**
   * `limit`: most connections held while no worker is ready, like the kernel's accept queue
   * (`backlog`). `balance`: least-busy (the default) or round-robin.
   */
  constructor(
    private limit = 2048,
    private balance: Balance = 'least-busy',
  ) {}

  /** Sets the most connections held while no worker is ready, and how workers are chosen. */
  configure(backlog: number, balance: Balance): void {
    this.limit = backlog;
    this.balance = balance;
  }

  /** Hands an accepted connection to a ready worker, or holds it until one is ready. */
  accept(connection: ConnectionHandle): void {
    if (this.waiting.length === 0 && this.dispatch(connection)) return;
    // Past `backlog`, refuse as the kernel would when its queue is full.
    if (this.waiting.length >= this.limit) return void connection.close();
    this.waiting.push(connection);
  }

  /** A worker's state changed: it joins or leaves the ready set, and waiting connections move. */
  workerChanged(worker: W): void {
    const was = this.workers.has(worker);
    if (worker.canTakeConnections) this.workers.add(worker);
    else this.workers.delete(worker);
    this.ready = null;
    if (!was && worker.canTakeConnections) this.flush();
  }

  /** Workers that get the next connections. */
  get readyCount(): number {
    return this.readyWorkers().length;
  }

  /** Connections waiting for a ready worker. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  /** Closes the connections still waiting for a worker. */
  close(): void {
    for (const connection of this.waiting.splice(0)) connection.close();
  }

  /** Hands waiting connections to workers, oldest first, while one takes them. */
  private flush(): void {
    while (this.waiting.length > 0) {
      if (!this.dispatch(this.waiting[0]!)) return;
      this.waiting.shift();
    }
  }

  /** False when no ready worker took the connection. */
  private dispatch(connection: ConnectionHandle): boolean {
    const ready = this.readyWorkers();
    if (ready.length === 0) return false;
    if (this.balance === 'least-busy' && ready.length > 1) {
      const worker = this.leastBusy(ready);
      if (worker.sendConnection(connection, this.redispatch)) return true;
    }
    for (let tries = 0; tries < ready.length; tries++) {
      const worker = ready[this.cursor++ % ready.length]!;
      if (worker.sendConnection(connection, this.redispatch)) return true;
    }
    return false;
  }

  /** The ready worker with the least load; ties go round-robin, so equal workers share evenly. */
  private leastBusy(ready: readonly W[]): W {
    const start = this.cursor++ % ready.length;
    let best = ready[start]!;
    for (let i = 1; i < ready.length; i++) {
      const worker = ready[(start + i) % ready.length]!;
      if (worker.load < best.load) best = worker;
    }
    return best;
  }

  /**
   * Ready workers, rebuilt only when a worker changes: dispatch runs per connection. Workers
   * due for replacement are used only when no other worker is ready, so that during a reload a
   * connection moves once, to the new generation.
   */
  private readyWorkers(): W[] {
    if (this.ready) return this.ready;
    const all = [...this.workers];
    const staying = all.filter((w) => !w.isDueForReplacement);
    this.ready = staying.length > 0 ? staying : all;
    return this.ready;
  }
}

import type { ConnectionHandle } from '../protocol/messages.js';

/** How the dispatcher picks among ready workers. */
export type Balance = 'least-busy' | 'round-robin';

/**
 * What changed about a worker: its lifecycle state, or that the connection handed to it last
 * has been acknowledged (it may take the next).
 */
export type WorkerChange = 'state' | 'free';

/** What the dispatcher needs of a worker: whether it takes connections, how busy it is, and a way to send one. */
export interface DispatchTarget {
  /** Ready and not ending: it may be handed connections. */
  readonly canTakeConnections: boolean;
  /** Serving until its successor is warm: it gets connections only when no other worker can. */
  readonly isDueForReplacement: boolean;
  /** How busy it is now (see WorkerHandle.load): what least-busy dispatch compares. */
  readonly load: number;
  /** A connection handed to it has not been acknowledged yet: it gets the next one after that. */
  readonly handoverPending: boolean;
  /**
   * Hands a connection over; false when the worker's channel is closed. `undelivered` runs
   * when the connection did not reach the worker after all (it died first), so that another
   * worker can take it.
   */
  sendConnection(connection: ConnectionHandle, undelivered: (connection: ConnectionHandle) => void): boolean;
}

/**
 * The path from an accepted connection to a worker, in one object (as Node's RoundRobinHandle):
 * the connections waiting for a worker, the set of ready workers, and the choice among them.
 * Workers tell it when their state changes and when they have taken a connection
 * (`workerChanged`); the listeners give it every accepted connection (`accept`).
 *
 * A worker has one connection in transit at a time, as in node:cluster: child_process queues
 * every handle sent after one it has not acknowledged, and on each acknowledgment sends the first
 * again and queues the rest anew, which under connection-per-request load cost the master more
 * than the hand-over itself (`pnpm bench throughput`). So a connection goes to a ready worker
 * that has acknowledged the last one; while none has, it waits here and goes to the first that
 * does. That is also the quickest measure of who is free: a worker busy on the CPU acknowledges
 * late.
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

  /** Hands an accepted connection to a ready worker, or holds it until one can take it. */
  accept(connection: ConnectionHandle): void {
    if (this.waiting.length === 0 && this.dispatch(connection)) return;
    // With no worker ready, past `backlog` refuse as the kernel would when its queue is full.
    // With workers ready, a connection waits only for the next acknowledgment.
    if (this.waiting.length >= this.limit && this.readyWorkers().length === 0) return void connection.close();
    this.waiting.push(connection);
  }

  /**
   * A worker's state changed (it joins or leaves the ready set), or it took the connection in
   * transit to it; waiting connections move.
   */
  workerChanged(worker: W, change: WorkerChange = 'state'): void {
    if (change === 'free') {
      if (this.waiting.length > 0 && this.workers.has(worker)) this.flush();
      return;
    }
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

  /** False when no ready worker free of a hand-over took the connection. */
  private dispatch(connection: ConnectionHandle): boolean {
    const ready = this.readyWorkers();
    // A worker whose channel has just closed (it is exiting) refuses: the next free one is tried.
    for (let tries = 0; tries < ready.length; tries++) {
      const worker = tries === 0 && this.balance === 'least-busy' ? this.leastBusy(ready) : this.nextFree(ready);
      if (!worker) return false;
      if (worker.sendConnection(connection, this.redispatch)) return true;
    }
    return false;
  }

  /** The next free worker in turn. */
  private nextFree(ready: readonly W[]): W | undefined {
    for (let i = 0; i < ready.length; i++) {
      const worker = ready[this.cursor++ % ready.length]!;
      if (!worker.handoverPending) return worker;
    }
    return undefined;
  }

  /** The free worker with the least load; ties go round-robin, so equal workers share evenly. */
  private leastBusy(ready: readonly W[]): W | undefined {
    const start = this.cursor++ % ready.length;
    let best: W | undefined;
    for (let i = 0; i < ready.length; i++) {
      const worker = ready[(start + i) % ready.length]!;
      if (!worker.handoverPending && (best === undefined || worker.load < best.load)) best = worker;
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

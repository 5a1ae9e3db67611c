import type { Socket } from 'node:net';

/** What the dispatcher needs of a worker: whether it takes connections, and a way to send one. */
export interface DispatchTarget {
  /** Ready and not ending: it may be handed connections. */
  readonly canTakeConnections: boolean;
  /** Serving until its successor is warm: it gets connections only when no other worker can. */
  readonly isDueForReplacement: boolean;
  /** Hands a connection over; false when the worker's channel is closed. */
  sendConnection(socket: Socket): boolean;
}

/**
 * The path from an accepted socket to a worker, in one object (as Node's RoundRobinHandle):
 * the connections waiting for a ready worker, the set of ready workers, and the choice among
 * them. Workers tell it when their state changes (`workerChanged`); the listeners give it
 * every accepted socket (`accept`).
 */
export class Dispatcher<W extends DispatchTarget = DispatchTarget> {
  private readonly waiting: Socket[] = [];
  private readonly workers = new Set<W>();
  private ready: W[] | null = null;
  private cursor = 0;

  /** Most connections held while no worker is ready, like the kernel's accept queue (`backlog`). */
  constructor(private limit = 2048) {}

  /** Sets the most connections held while no worker is ready. */
  setLimit(backlog: number): void {
    this.limit = backlog;
  }

  /** Hands an accepted socket to a ready worker, or holds it until one is ready. */
  accept(socket: Socket): void {
    if (this.waiting.length === 0 && this.dispatch(socket)) return;
    // Past `backlog`, refuse as the kernel would when its queue is full.
    if (this.waiting.length >= this.limit) return void socket.destroy();
    this.waiting.push(socket);
    socket.once('close', () => {
      const i = this.waiting.indexOf(socket);
      if (i >= 0) this.waiting.splice(i, 1);
    });
  }

  /** A worker's state changed: it joins or leaves the ready set, and waiting sockets move. */
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
    for (const socket of this.waiting.splice(0)) socket.destroy();
  }

  /** Hands waiting connections to workers, oldest first, while one takes them. */
  private flush(): void {
    while (this.waiting.length > 0) {
      const socket = this.waiting[0]!;
      if (!socket.destroyed && !this.dispatch(socket)) return;
      this.waiting.shift();
    }
  }

  /** Round-robin over ready workers; false when none took the socket. */
  private dispatch(socket: Socket): boolean {
    const ready = this.readyWorkers();
    for (let tries = 0; tries < ready.length; tries++) {
      const worker = ready[this.cursor++ % ready.length]!;
      if (worker.sendConnection(socket)) return true;
    }
    return false;
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

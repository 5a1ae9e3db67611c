import type { Logger } from '../logger.js';
import type { WorkerHandle } from './worker-handle.js';

/** A worker that served this long before it crashed resets its slot's crash streak. */
const STABLE_MS = 30_000;
const MAX_BACKOFF_MS = 30_000;
/** Crashes in a row after which a slot is reported loudly. */
const LOUD_STREAK = 5;

/**
 * One place for a worker, numbered 1..N (TSUNICORN_WORKER_ID). `current` serves; `next` is a
 * warm-to-be successor. A replacement reuses the slot's number.
 */
export class Slot {
  current: WorkerHandle | null = null;
  next: WorkerHandle | null = null;
  /** A worker is being spawned for this role (its preFork hooks are running). */
  spawning: 'current' | 'next' | null = null;
  backoffUntil = 0;
  private crashes = 0;

  constructor(readonly id: number) {}

  /**
   * Notes a crash or boot failure and delays the slot's next spawn exponentially (none for a
   * first crash), so a crashing app cannot become a fork loop that starves the healthy workers.
   */
  recordCrash(worker: WorkerHandle, log: Logger): void {
    if (worker.readyAt > 0 && Date.now() - worker.readyAt > STABLE_MS) this.crashes = 0;
    this.crashes++;
    const delay = this.crashes <= 1 ? 0 : Math.min(MAX_BACKOFF_MS, 500 * 2 ** (this.crashes - 2));
    this.backoffUntil = Date.now() + delay;
    if (this.crashes >= LOUD_STREAK) {
      log.critical(
        `Worker slot ${this.id} keeps crashing: ${this.crashes} times in a row; next try in ${delay / 1000}s. The other workers keep serving.`,
      );
    } else if (delay > 0) {
      log.warning(`Worker slot ${this.id} crashed ${this.crashes} times in a row; next try in ${delay / 1000}s`);
    }
  }
}

/** The set of slots, always numbered from 1 with the lowest free number reused. */
export class Slots implements Iterable<Slot> {
  private readonly byId = new Map<number, Slot>();

  get size(): number {
    return this.byId.size;
  }

  [Symbol.iterator](): Iterator<Slot> {
    return [...this.byId.values()].sort((a, b) => a.id - b.id)[Symbol.iterator]();
  }

  add(): Slot {
    let id = 1;
    while (this.byId.has(id)) id++;
    const slot = new Slot(id);
    this.byId.set(id, slot);
    return slot;
  }

  has(slot: Slot): boolean {
    return this.byId.get(slot.id) === slot;
  }

  /**
   * Removes a slot with no serving worker if there is one (a crash-looping or booting slot
   * serves nobody), else the slot whose serving worker is the oldest.
   */
  removeOldest(): Slot {
    const age = (s: Slot) => (s.current?.canTakeConnections ? s.current.spawnedAt : Number.NEGATIVE_INFINITY);
    const oldest = [...this.byId.values()].reduce((a, b) => (age(b) < age(a) ? b : a));
    this.byId.delete(oldest.id);
    return oldest;
  }

  of(worker: WorkerHandle): Slot | undefined {
    const slot = this.byId.get(worker.id);
    return slot && (slot.current === worker || slot.next === worker) ? slot : undefined;
  }

  /** Forgets an exited worker. A successor still booting takes the place of a current that died. */
  release(worker: WorkerHandle): void {
    const slot = this.of(worker);
    if (!slot) return;
    if (slot.next === worker) slot.next = null;
    if (slot.current === worker) {
      slot.current = slot.next;
      slot.next = null;
    }
  }

  /** Successors booting or about to be spawned: bounded by reloadConcurrency. */
  bootingSuccessors(): number {
    return [...this.byId.values()].filter((s) => s.spawning === 'next' || s.next?.isBooting).length;
  }
}

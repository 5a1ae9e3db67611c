import { appendFileSync } from 'node:fs';
import { Injectable } from '@nestjs/common';

/** Hits of one handler in this process. */
export interface HandlerHits {
  /** Requests that reached the handler's interceptors. */
  hits: number;
  /** Of those, how many carried `x-tsunicorn-warmup`. */
  warmup: number;
  /** Of those, how many ended in an error (a failed validation, a 404 thrown by the handler). */
  errors: number;
}

/** What `GET /__stats` answers. */
export interface StatsSnapshot {
  readonly pid: number;
  readonly handlers: Readonly<Record<string, HandlerHits>>;
  /** Named counters: constructions of lazy and request-scoped providers, handler bodies that ran. */
  readonly counters: Readonly<Record<string, number>>;
  /** Lifecycle hooks, in the order they ran. */
  readonly events: readonly string[];
}

/**
 * Counters of this process, to show what warm-up did. Lifecycle events are also appended to
 * the file named by `NEST_EXAMPLE_EVENTS_FILE`, so that a test can read them after the
 * process exited.
 */
@Injectable()
export class StatsService {
  private readonly handlers: Record<string, HandlerHits> = {};
  private readonly counters: Record<string, number> = {};
  private readonly events: string[] = [];

  hit(handler: string, warmup: boolean): void {
    const entry = this.handlers[handler] ?? { hits: 0, warmup: 0, errors: 0 };
    this.handlers[handler] = entry;
    entry.hits += 1;
    if (warmup) entry.warmup += 1;
  }

  fail(handler: string): void {
    const entry = this.handlers[handler];
    if (entry) entry.errors += 1;
  }

  count(name: string): void {
    this.counters[name] = (this.counters[name] ?? 0) + 1;
  }

  event(name: string): void {
    this.events.push(name);
    const file = process.env.NEST_EXAMPLE_EVENTS_FILE;
    if (file) appendFileSync(file, `${process.pid} ${name}\n`);
  }

  snapshot(): StatsSnapshot {
    return { pid: process.pid, handlers: structuredClone(this.handlers), counters: { ...this.counters }, events: [...this.events] };
  }
}

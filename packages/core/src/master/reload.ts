import type { Logger } from '../logger.js';
import type { Settings } from '../settings/index.js';
import type { ReloadOutcome } from './operations.js';
import type { Slots } from './slots.js';

/**
 * One rolling reload (HUP) in progress: the generation it brings, the settings to return to
 * if it fails, and its progress. The arbiter's manage loop does the replacing; this keeps the
 * books and says how it went.
 */
export class Reload {
  private readonly startedAt = Date.now();
  private reported = -1;
  private settle!: (outcome: ReloadOutcome) => void;
  /** Resolves once the reload is complete, has failed, or a newer one took over. */
  readonly outcome = new Promise<ReloadOutcome>((resolve) => (this.settle = resolve));

  constructor(
    readonly generation: number,
    /** The settings in force before the reload, restored if it fails. */
    readonly previous: Settings,
    private readonly log: Logger,
  ) {}

  /**
   * Marks every serving worker of an older generation for replacement (a worker already due
   * for replacement keeps its reason; one still booting is marked once it is ready).
   */
  markOld(slots: Slots): void {
    for (const slot of slots) {
      if (slot.current && slot.current.generation < this.generation) slot.current.markForReplacement(this.reason);
    }
  }

  /** Logs progress; true once every slot is served by a warm worker of the new generation. */
  progress(slots: Slots): boolean {
    const pending = [...slots].filter((s) => s.current?.generation !== this.generation || s.next).length;
    if (slots.size - pending !== this.reported) {
      this.reported = slots.size - pending;
      this.log.info(`Reload gen ${this.generation}: ${this.reported}/${slots.size} workers warm and serving`);
    }
    if (pending > 0) return false;
    const message = `Reload to gen ${this.generation} complete in ${Date.now() - this.startedAt} ms`;
    this.log.info(message);
    this.settle({ result: 'ok', message });
    return true;
  }

  /** Removes the new generation's workers that are not serving yet and lets the old ones stay. */
  abort(slots: Slots, why: string): void {
    this.stop(slots);
    const message = `Reload to gen ${this.generation} failed: ${why}. The running workers keep serving; fix the problem and send HUP again.`;
    this.log.error(message);
    this.settle({ result: 'failed', message });
  }

  /** A newer HUP takes over: this reload's unready workers go, the newer one replaces the rest. */
  supersede(slots: Slots): void {
    this.stop(slots);
    const message = `Reload to gen ${this.generation} superseded by a newer HUP`;
    this.log.info(message);
    this.settle({ result: 'superseded', message });
  }

  private stop(slots: Slots): void {
    for (const slot of slots) {
      if (slot.next?.generation === this.generation) slot.next.kill('discarded');
      slot.current?.keep(this.reason);
    }
  }

  private get reason(): string {
    return `reload to gen ${this.generation}`;
  }
}

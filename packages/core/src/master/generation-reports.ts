/**
 * What the master logs about a generation as a whole rather than per worker: N workers that
 * load the same app boot the same way, so a boot failure is explained in full once and the
 * warm-up's route table is printed once per generation.
 */
import type { Logger } from '../logger.js';
import type { WarmupSummary } from '../protocol/messages.js';
import { formatWarmupReport } from '../warmup-report.js';
import type { WorkerHandle } from './worker-handle.js';

/** Boot-failure reports kept for de-duplication before the record starts over. */
const MAX_KEPT_REPORTS = 32;

/** Logs each generation's boot failures and warm-up report once. */
export class GenerationReports {
  /** Boot-failure reports already logged in full, with the worker that reported each. */
  private readonly bootFailures = new Map<string, number>();
  private readonly warmups = new Set<number>();

  constructor(private readonly log: Logger) {}

  /**
   * Logs why a worker could not boot: in full the first time, and naming the worker that
   * logged it when another fails the same way.
   */
  bootFailure(worker: WorkerHandle, report: string): void {
    // Keyed by generation: a later reload that fails the same way is explained in full again.
    const key = `${worker.generation}\n${report}`;
    const first = this.bootFailures.get(key);
    if (first !== undefined) {
      return this.log.error(`Worker ${worker.id} (pid: ${worker.pid}) failed to boot with the same error as worker ${first}`);
    }
    if (this.bootFailures.size >= MAX_KEPT_REPORTS) this.bootFailures.clear();
    this.bootFailures.set(key, worker.id);
    this.log.error(`Worker ${worker.id} (pid: ${worker.pid}) failed to boot: ${report}`);
  }

  /** The route table of the first worker of each generation to be ready. */
  warmup(worker: WorkerHandle, summary: WarmupSummary): void {
    if (this.warmups.has(worker.generation)) return;
    this.warmups.add(worker.generation);
    const title = `Warm-up report, generation ${worker.generation} (worker ${worker.id})`;
    for (const line of formatWarmupReport(summary, title)) this.log.info(line);
  }
}

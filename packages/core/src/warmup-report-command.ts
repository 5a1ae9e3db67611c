/**
 * `tsunicorn warmup-report [options] APP`: builds and warms the app once in this process, as
 * a worker would, prints the warm-up report (the same table the master logs for each
 * generation) on stdout, and exits. Nothing listens on a public address; the warm-up requests
 * go to a private loopback socket. Handy to see which routes stay cold, and to get the
 * `warmupRequests` snippet for them, before deploying.
 */
import { adapterFor, importApp } from './adapter/loader.js';
import { TsuError } from './errors.js';
import { createLogger } from './logger.js';
import { loadSettingsFrom } from './master/main.js';
import type { ParsedArgv } from './settings/argv.js';
import { formatWarmupReport } from './warmup-report.js';
import { buildApp, warmApp } from './worker/runtime.js';

/** Runs the command: the report goes to stdout, the warm-up's own log lines to the error log. */
export async function printWarmupReport(argv: ParsedArgv): Promise<void> {
  const { settings } = await loadSettingsFrom({ argv, cwd: process.cwd() });
  if (settings.app === null) {
    throw new TsuError('TSU_ERR_USAGE', 'no APP given: tsunicorn warmup-report [options] path/to/app.js[:export]');
  }
  if (settings.chdir !== null) process.chdir(settings.chdir);
  const log = createLogger(settings.errorLogfile, settings.logLevel, '[warmup-report]');
  const worker = { id: 1, pid: process.pid, generation: 1 };
  const { value, path, label } = await importApp(settings.app, process.cwd());
  const adapter = await adapterFor(value, path, label);
  const app = await buildApp(adapter, settings, log, worker);
  try {
    const summary = await warmApp(app, settings, log, worker);
    const lines = formatWarmupReport(summary, `Warm-up report for ${settings.app} (${adapter.name} adapter)`);
    if (lines.length === 0)
      lines.push(
        `The ${adapter.name} adapter synthesises no per-route warm-up; ${summary.requests} configured or discovered requests were sent.`,
      );
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await app.close();
  }
}

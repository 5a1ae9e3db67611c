#!/usr/bin/env node
/**
 * `tsunicorn [options] APP` — the command line. Flags come from the settings table; see
 * docs/settings.md or `tsunicorn --help`.
 */
import { describeForUser, ExitCode, isTsuError } from './errors.js';
import { loadSettingsFrom, runMasterFromCli, version } from './master/main.js';
import { parseArgv } from './settings/argv.js';
import { helpText, printConfig } from './settings/help.js';

/**
 * The Node versions the packages are built for (package.json `engines`). Older ones lack
 * `require(esm)`, which CommonJS apps load the packages through, and parts the worker's
 * accept path reads; tsunicorn still starts, and says so once.
 */
function warnOnOldNode(): void {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const supported = major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19);
  if (!supported) {
    process.stderr.write(
      `tsunicorn: Node ${process.version} is older than the supported ^20.19.0 || >=22.12.0; upgrade Node if anything fails\n`,
    );
  }
}

async function main(argv: string[]): Promise<void> {
  warnOnOldNode();
  if (argv[0] === 'ctl') {
    const { runCtl } = await import('./ctl.js');
    return void process.exit(await runCtl(argv.slice(1)));
  }
  // The commands that import the app are loaded only when asked for: the master never runs
  // them, and what it loads it keeps for its whole life (`pnpm bench throughput`: master RSS).
  if (argv[0] === 'warmup-report') {
    const { printWarmupReport } = await import('./warmup-report-command.js');
    await printWarmupReport(parseArgv(argv.slice(1)));
    // The app may hold timers or pools its close hooks left open: the report is done.
    process.exit(0);
  }
  const parsed = parseArgv(argv);
  if (parsed.help) return void process.stdout.write(helpText());
  if (parsed.version) return void process.stdout.write(`tsunicorn ${await version()} (Node ${process.version})\n`);
  if (parsed.printConfig) {
    const { settings, sources } = await loadSettingsFrom({ argv: parsed, cwd: process.cwd() });
    process.stdout.write(printConfig(settings, sources));
  }
  if (parsed.checkConfig) {
    // The app was imported: whatever it left open (a pool, a timer) must not keep this alive.
    const { checkConfig } = await import('./check-config.js');
    return exitAfter(await checkConfig(parsed), ExitCode.OK);
  }
  if (parsed.printConfig) return;
  await runMasterFromCli(parsed);
}

/** Writes `text` to stdout and exits once it is flushed. */
function exitAfter(text: string, code: number): void {
  process.stdout.write(text, () => process.exit(code));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (isTsuError(err)) {
    process.stderr.write(`Error: ${describeForUser(err)} [${err.code}]\n`, () => process.exit(err.exitCode));
    return;
  }
  process.stderr.write(`Error: ${(err as Error)?.stack ?? String(err)}\n`, () => process.exit(ExitCode.INTERNAL));
});

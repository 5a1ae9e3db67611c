#!/usr/bin/env node
import { ExitCode, isTsuError } from './errors.js';
import { loadSettingsFrom, runMasterFromCli, version } from './master/main.js';
/**
 * `tsunicorn [options] APP` — the command line. Flags come from the settings table; see
 * docs/settings.md or `tsunicorn --help`.
 */
import { parseArgv } from './settings/argv.js';
import { helpText, printConfig } from './settings/help.js';
import { printWarmupReport } from './worker/warmup-report-command.js';

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'warmup-report') {
    await printWarmupReport(parseArgv(argv.slice(1)));
    // The app may hold timers or pools its close hooks left open: the report is done.
    process.exit(0);
  }
  const parsed = parseArgv(argv);
  if (parsed.help) return void process.stdout.write(helpText());
  if (parsed.version) return void process.stdout.write(`tsunicorn ${await version()} (Node ${process.version})\n`);
  if (parsed.checkConfig || parsed.printConfig) {
    const { settings, configPath } = await loadSettingsFrom({ argv: parsed, cwd: process.cwd() });
    if (parsed.printConfig) process.stdout.write(printConfig(settings));
    if (parsed.checkConfig) process.stdout.write(`Config OK${configPath ? ` (${configPath})` : ' (no config file)'}\n`);
    return;
  }
  await runMasterFromCli(parsed);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (isTsuError(err)) {
    process.stderr.write(`Error: ${err.message} [${err.code}]\n`);
    process.exit(err.exitCode);
  }
  process.stderr.write(`Error: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(ExitCode.INTERNAL);
});

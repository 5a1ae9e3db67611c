import { closeSync, existsSync, openSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { importApp, parseAppSpec } from '../adapter/loader.js';
import { describeError, describeForUser, ExitCode, isTsuError, TsuError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import { PARENT_MASTER_ENV, WORKER_ENTRY } from '../protocol/handover.js';
import type { ParsedArgv } from '../settings/argv.js';
import type { Settings, UserConfig } from '../settings/index.js';
import { readConfigFile, resolveSettingsWithSources, type SettingSource } from '../settings/resolve.js';
import { changedRestartOnly, keepRestartOnly } from '../settings/restart-only.js';
import { Arbiter } from './arbiter.js';
import { removePidfile, writePidfile } from './pidfile.js';
import { checkPrivileges, chownLogFiles } from './privileges.js';
import type { WorkerCommand } from './spawn.js';

const noArgv: ParsedArgv = { settings: {}, checkConfig: false, printConfig: false, help: false, version: false };

/** Where the settings come from; read again on every reload. */
interface SettingsSource {
  readonly argv: ParsedArgv;
  readonly cwd: string;
  readonly code?: UserConfig;
}

/** Reads the config file and resolves the settings from every layer. */
export async function loadSettingsFrom(
  source: SettingsSource,
): Promise<{ settings: Settings; sources: Readonly<Record<string, SettingSource>>; configPath: string | null }> {
  const file = await readConfigFile(source.cwd, source.argv.configPath);
  const { settings, sources } = resolveSettingsWithSources({
    argv: source.argv,
    env: process.env,
    file,
    ...(source.code ? { code: source.code as Record<string, unknown> } : {}),
  });
  return { settings, sources, configPath: file?.path ?? null };
}

/** The master started by the `tsunicorn` CLI: workers run the CLI's worker entry. */
export async function runMasterFromCli(argv: ParsedArgv): Promise<never> {
  const source: SettingsSource = { argv, cwd: process.cwd() };
  return exitWith(async (log) => {
    const { settings, configPath } = await loadSettingsFrom(source);
    if (settings.app === null)
      throw new TsuError('TSU_ERR_USAGE', 'no APP given: tsunicorn [options] path/to/app.js[:export]; see tsunicorn --help');
    applyChdir(settings);
    checkAppExists(settings.app);
    if (settings.preload) await preloadApp(settings.app, log);
    return { settings, source, command: { entry: WORKER_ENTRY, args: [], execArgv: workerExecArgv(), configPath } };
  });
}

/** The master started by an adapter's drop-in listen(): workers run the user's own script. */
export async function runMasterFromCode(options: UserConfig): Promise<never> {
  const source: SettingsSource = { argv: noArgv, cwd: process.cwd(), code: options };
  return exitWith(async () => {
    const { settings, configPath } = await loadSettingsFrom(source);
    applyChdir(settings);
    const entry = process.argv[1] ?? '';
    return { settings, source, command: { entry, args: process.argv.slice(2), execArgv: workerExecArgv(), configPath } };
  });
}

interface Prepared {
  readonly settings: Settings;
  readonly source: SettingsSource;
  readonly command: WorkerCommand;
}

/** Runs the master and exits with its code; a TsuError exits with its documented code. */
async function exitWith(prepare: (log: Logger) => Promise<Prepared>): Promise<never> {
  let log = createLogger('-', 'info');
  let pidfile: string | null = null;
  let code: number;
  try {
    const { settings, source, command } = await prepare(log);
    checkWritableFiles(settings);
    const ids = checkPrivileges(settings);
    if (ids) chownLogFiles(settings, ids);
    log = createLogger(settings.errorLogfile, settings.logLevel, undefined, settings.logFormat);
    log.info(`Starting tsunicorn ${await version()} (Node ${process.version})`);
    process.title = `${settings.procName}: master`;
    pidfile = settings.pidfile;
    if (pidfile) writePidfile(pidfile, Number(process.env[PARENT_MASTER_ENV]) || null);
    const rereadSettings = async () => {
      const next = (await loadSettingsFrom(source)).settings;
      if (next.app === null && settings.app !== null) throw new TsuError('TSU_ERR_USAGE', 'the new config has no app');
      const kept = changedRestartOnly(settings, next);
      if (kept.length > 0) {
        log.warning(`Reload keeps the running ${kept.join(', ')}: read when the master starts, a change takes effect when it is restarted`);
      }
      const applied = keepRestartOnly(settings, next);
      // A new access log is prepared as at start: writable (or the reload is refused) and the workers' user's.
      checkWritableFiles(applied);
      if (ids) chownLogFiles(applied, ids);
      return applied;
    };
    code = await new Arbiter({ settings, command, log, rereadSettings }).run();
  } catch (err) {
    code = reportFatal(err, log);
  }
  if (pidfile) removePidfile(pidfile);
  process.exit(code);
}

/**
 * The master's Node flags, for the workers, without the inspector's: N workers cannot all
 * listen on the master's debug port. Start a worker's inspector with SIGUSR1 instead.
 */
function workerExecArgv(): string[] {
  return process.execArgv.filter((arg) => !/^--(inspect|debug)/.test(arg));
}

function reportFatal(err: unknown, log: Logger): number {
  if (isTsuError(err)) {
    log.critical(`${describeForUser(err)} [${err.code}]`);
    return err.exitCode;
  }
  log.critical(`Unexpected error in the master: ${describeError(err).stack}`);
  return ExitCode.INTERNAL;
}

/** --chdir: changes to the directory, checked first. */
export function applyChdir(settings: Settings): void {
  if (settings.chdir === null) return;
  if (!statSync(settings.chdir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new TsuError('TSU_ERR_INVALID_SETTING', `invalid value for setting "chdir" (--chdir): ${settings.chdir} is not a directory`);
  }
  process.chdir(settings.chdir);
}

/** A missing APP module is reported before any socket is bound or worker spawned. */
export function checkAppExists(spec: string): void {
  const path = resolve(parseAppSpec(spec).modulePath);
  if (!existsSync(path))
    throw new TsuError('TSU_ERR_APP_LOAD', `App module ${path} does not exist (from APP "${spec}", relative to ${process.cwd()})`);
}

/** The log files and the pidfile must be writable: checked before anything starts. */
function checkWritableFiles(settings: Settings): void {
  const files: [string, string, string | null][] = [
    ['errorLogfile', '--error-logfile', settings.errorLogfile === '-' ? null : settings.errorLogfile],
    ['accessLogfile', '--access-logfile', settings.accessLogfile === '-' ? null : settings.accessLogfile],
    ['pidfile', '--pidfile', settings.pidfile],
  ];
  for (const [name, flag, path] of files) {
    if (path === null) continue;
    try {
      closeSync(openSync(path, 'a'));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new TsuError(
        'TSU_ERR_INVALID_SETTING',
        `invalid value for setting "${name}" (${flag}): cannot write ${path} (${code}); create its directory or choose another file`,
      );
    }
  }
}

/** --preload: import the app once in the master, so a broken app fails before any worker starts. */
async function preloadApp(spec: string, log: Logger): Promise<void> {
  await importApp(spec, process.cwd());
  log.info(`Preloaded ${spec}`);
}

/** This package's version. */
export async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

import { resolve } from 'node:path';
import { adapterFor, importApp, parseAppSpec } from './adapter/loader.js';
import { resolveAdapterOptions } from './adapter/options.js';
import { withSyntaxErrorLocation } from './adapter/syntax-error.js';
import { TsuError } from './errors.js';
import { applyChdir, checkAppExists, loadSettingsFrom } from './master/main.js';
import type { ParsedArgv } from './settings/argv.js';

/**
 * `--check-config`: resolves the settings, then imports the app the way a worker does and
 * picks its adapter, which checks the adapter options. Throws the same TsuError (and so exits
 * with the same code) the server would, without binding a socket or starting a worker.
 * Returns the line to print when everything is valid.
 */
export async function checkConfig(argv: ParsedArgv): Promise<string> {
  const { settings, configPath } = await loadSettingsFrom({ argv, cwd: process.cwd() });
  if (settings.app === null) {
    throw new TsuError('TSU_ERR_USAGE', 'no APP given: tsunicorn --check-config [options] path/to/app.js[:export]; see tsunicorn --help');
  }
  applyChdir(settings);
  checkAppExists(settings.app);
  const spec = settings.app;
  const { value, path, label } = await importApp(spec, process.cwd()).catch((err: unknown) => {
    throw withSyntaxErrorLocation(err, resolve(parseAppSpec(spec).modulePath));
  });
  const adapter = await adapterFor(value, path, label);
  // The one rule a worker applies (adapter/options.ts): code options under the config file's, checked.
  if (adapter.name !== 'factory') resolveAdapterOptions(adapter, settings);
  const served =
    adapter.name === 'factory'
      ? 'a factory; each worker calls it, and checks what it returns and the adapter options then'
      : `served by the ${adapter.name} adapter`;
  return `Config OK (${configPath ? `config file ${configPath}` : 'no config file'}); app ${label}: ${served}\n`;
}

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeError, TsuError } from '../errors.js';
import { loadUserModule } from '../user-module.js';

/** Config file names looked for in the working directory, in this order. */
export const CONFIG_FILE_NAMES = [
  'tsunicorn.config.ts',
  'tsunicorn.config.mts',
  'tsunicorn.config.js',
  'tsunicorn.config.mjs',
  'tsunicorn.config.cjs',
] as const;

/** The config file to use: `explicit` (from -c) or the first default name found in `cwd`. */
export function findConfigFile(cwd: string, explicit?: string): string | null {
  if (explicit !== undefined) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) {
      throw new TsuError('TSU_ERR_CONFIG_FILE', `config file ${path} does not exist (given with -c/--config)`);
    }
    return path;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const path = resolve(cwd, name);
    if (existsSync(path)) return path;
  }
  return null;
}

/**
 * Loads a config file and returns its default export (or `module.exports`), which must be an
 * object or a function returning one. It is evaluated afresh on every call (a HUP re-reads it),
 * with the TypeScript, CommonJS and JSON files it imports; see user-module.ts for the rules.
 */
export async function loadConfigFile(path: string): Promise<Record<string, unknown>> {
  let exported: unknown;
  try {
    const mod = await loadUserModule(path, { fresh: true });
    exported = mod.default ?? mod;
    if (typeof exported === 'function') exported = await (exported as () => unknown)();
  } catch (err) {
    const { stack } = describeError(err);
    throw new TsuError('TSU_ERR_CONFIG_FILE', `config file ${path} failed to load: ${stack}`, { cause: err });
  }
  if (typeof exported !== 'object' || exported === null || Array.isArray(exported)) {
    throw new TsuError(
      'TSU_ERR_CONFIG_FILE',
      `config file ${path} must export an object (export default defineConfig({ ... })), got ${typeof exported}`,
    );
  }
  return exported as Record<string, unknown>;
}

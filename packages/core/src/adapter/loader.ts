import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeError, TsuError } from '../errors.js';
import { loadUserModule } from '../user-module.js';
import type { Adapter, AdapterPackage } from './contract.js';
import { detectFramework, type Framework } from './detect.js';
import { nodeAdapter } from './node.js';
import { resolveAdapterOptions } from './options.js';

const adapterPackages: Record<'express' | 'fastify' | 'nest', string> = {
  express: '@tsunicorn/express',
  fastify: '@tsunicorn/fastify',
  nest: '@tsunicorn/nest',
};

/** Splits `path/to/module.js:exportName` into its module path and export name. */
export function parseAppSpec(spec: string): { modulePath: string; exportName: string | null } {
  const colon = spec.lastIndexOf(':');
  // A colon followed by a path separator belongs to the path (C:\), not to an export.
  if (colon > 0 && !/[\\/]/.test(spec.slice(colon + 1)) && spec.slice(colon + 1) !== '') {
    return { modulePath: spec.slice(0, colon), exportName: spec.slice(colon + 1) };
  }
  return { modulePath: spec, exportName: null };
}

/**
 * Imports the app module and picks the export to serve: the named one, else the default
 * export, else `app`. Throws TSU_ERR_APP_LOAD (exit code 4) with the module's own error.
 */
export async function importApp(spec: string, cwd: string): Promise<{ value: unknown; path: string; label: string }> {
  const { modulePath, exportName } = parseAppSpec(spec);
  const path = resolve(cwd, modulePath);
  let mod: Record<string, unknown>;
  try {
    mod = await loadUserModule(path);
  } catch (err) {
    throw new TsuError('TSU_ERR_APP_LOAD', `App failed to load: ${path}\n${describeError(err).stack}`, { cause: err });
  }
  const names = exportName ? [exportName] : ['default', 'app'];
  const name = names.find((n) => mod[n] !== undefined);
  if (name === undefined) {
    const known = Object.keys(mod).join(', ') || 'none';
    throw new TsuError(
      'TSU_ERR_APP_LOAD',
      `App module ${path} has no export ${names.map((n) => `"${n}"`).join(' or ')} (its exports: ${known}); name one with ${modulePath}:EXPORT`,
    );
  }
  return { value: mod[name], path, label: `${modulePath}:${name}` };
}

/**
 * Chooses the adapter for an exported value. A zero-argument function is a factory: it is
 * called inside the adapter's build(), so an error it throws is a boot failure (exit code 3),
 * not a failure to load the app (exit code 4).
 */
export function adapterFor(value: unknown, appPath: string, label: string): Promise<Adapter> {
  const kind = detectFramework(value);
  if (kind === null && typeof value === 'function' && value.length === 0) {
    return Promise.resolve(factoryAdapter(value as () => unknown, appPath, label));
  }
  return adapterForKind(kind, value, appPath, label);
}

async function adapterForKind(kind: Framework | null, app: unknown, appPath: string, label: string): Promise<Adapter> {
  if (kind === null) {
    throw new TsuError(
      'TSU_ERR_APP_KIND',
      `${label} is not a servable app: expected a request listener (req, res), an http.Server, a factory returning one, or an Express, Fastify or Nest app; got ${describeValue(app)}`,
    );
  }
  if (kind === 'node-listener' || kind === 'node-server') return nodeAdapter(app as Parameters<typeof nodeAdapter>[0]);
  const mod = await importAdapterPackage(kind, appPath);
  // The config file's adapterOptions reach the adapter as ctx.options (adapter/options.ts).
  return mod.createAdapter(app);
}

/** Defers a factory to build time, then hands what it returned to the matching adapter. */
function factoryAdapter(factory: () => unknown, appPath: string, label: string): Adapter {
  return {
    name: 'factory',
    async build(ctx) {
      const built = await factory();
      const kind = detectFramework(built);
      const app = kind === 'express' || kind === 'fastify' || kind === 'nest' ? () => built : built;
      const adapter = await adapterForKind(kind, app, appPath, `${label}()`);
      return adapter.build({ ...ctx, options: resolveAdapterOptions(adapter, ctx.settings) });
    },
  };
}

async function importAdapterPackage(kind: Exclude<Framework, 'node-listener' | 'node-server'>, appPath: string): Promise<AdapterPackage> {
  const name = adapterPackages[kind];
  const resolved = resolveFrom(name, dirname(appPath)) ?? resolveFrom(name, dirname(new URL(import.meta.url).pathname));
  if (resolved === null) {
    throw new TsuError(
      'TSU_ERR_ADAPTER_MISSING',
      `the app is a ${kind} app, but ${name} is not installed: run "npm i ${name}" in the app's package`,
    );
  }
  return (await import(pathToFileURL(resolved).href)) as AdapterPackage;
}

function resolveFrom(name: string, dir: string): string | null {
  try {
    return createRequire(resolve(dir, 'noop.js')).resolve(name);
  } catch {
    return null;
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'function') return `a function of ${value.length} argument(s)`;
  if (value === null) return 'null';
  return typeof value === 'object' ? `an object with keys ${Object.keys(value).slice(0, 6).join(', ')}` : typeof value;
}

/**
 * How tsunicorn loads user code — the app's entry and the config file — the same way on every
 * supported Node version. A user module is always loaded as a module of tsunicorn's, never as
 * the main module, as gunicorn imports an app rather than running it as `__main__`:
 *
 * - CommonJS (`.cjs`, or `.js` outside a `"type": "module"` package) through `require`, so
 *   `module.parent` is set and `require.main !== module`: a standalone branch such as
 *   `if (!module.parent) app.listen(3000)` does not run in a worker.
 * - ES modules (`.mjs`, or `.js` in a `"type": "module"` package) through `import()`, where
 *   `import.meta.main` is false on the Node versions that have it.
 * - TypeScript (`.ts`, `.mts`, `.cts`) through jiti on every Node version, never Node's own
 *   type stripping (22.6+), which rejects enums, namespaces, parameter properties and
 *   decorators: the same file then loads the same way on 20, 22 and 24. It is a module of a
 *   parent too (`module.parent` set, `require.main !== module`, `import.meta.main` false).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { types } from 'node:util';

/** A loaded module as an ES namespace: `default` plus named exports. */
export type ModuleNamespace = Record<string, unknown>;

export interface LoadOptions {
  /**
   * Evaluate the module again, and with it the project's TypeScript, CommonJS and JSON files
   * it imports, instead of reusing Node's module cache: for a config file re-read on HUP.
   * (Node offers no way to evaluate an ES module it has cached again, so an `.mjs` file a
   * config imports keeps the value it had when first loaded.)
   */
  readonly fresh?: boolean;
}

type ModuleFormat = 'commonjs' | 'module' | 'typescript';

const requireFromCore = createRequire(import.meta.url);

/** Loads the module at the absolute `path`; its own errors propagate unchanged. */
export function loadUserModule(path: string, options: LoadOptions = {}): Promise<ModuleNamespace> {
  switch (moduleFormat(path)) {
    case 'typescript':
      return importTypeScript(path, options);
    case 'commonjs':
      return requireCommonJs(path, options);
    case 'module':
      return import(moduleUrl(path, options)) as Promise<ModuleNamespace>;
  }
}

/** Node's own rule: the extension, else the nearest package.json's `type`. */
export function moduleFormat(path: string): ModuleFormat {
  if (/\.[mc]?tsx?$/.test(path)) return 'typescript';
  if (path.endsWith('.mjs')) return 'module';
  if (path.endsWith('.cjs')) return 'commonjs';
  return packageType(dirname(path)) === 'module' ? 'module' : 'commonjs';
}

function packageType(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    const type = readPackageType(join(current, 'package.json'));
    if (type !== null) return type;
    if (dirname(current) === current) return undefined;
  }
}

/** The `type` of the package.json at `file`, `undefined` if it has none, null if there is no such file. */
function readPackageType(file: string): string | undefined | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const type = (JSON.parse(text) as { type?: unknown }).type;
    return typeof type === 'string' ? type : undefined;
  } catch {
    return undefined; // Node too treats an unreadable package.json as having no type here.
  }
}

async function requireCommonJs(path: string, options: LoadOptions): Promise<ModuleNamespace> {
  const loadedBefore = requireFromCore.cache[path] !== undefined;
  if (options.fresh) forget(path);
  let exports: unknown;
  try {
    exports = requireFromCore(path);
  } catch (err) {
    // An ES module by its syntax (no package "type") with top-level await: require() cannot wait.
    if ((err as NodeJS.ErrnoException).code === 'ERR_REQUIRE_ASYNC_MODULE')
      return (await import(moduleUrl(path, options))) as ModuleNamespace;
    throw err;
  }
  // Node 20.19+ and 22.12+ load a `.js` file written with import/export through require() as an
  // ES module, which stays in the ES module cache whatever the require cache says: loaded
  // before and wanted afresh, such a file is imported under a new URL.
  if (options.fresh && loadedBefore && types.isModuleNamespaceObject(exports)) {
    return (await import(moduleUrl(path, options))) as ModuleNamespace;
  }
  return commonJsNamespace(exports);
}

/** Drops a module and the project files it required from the require cache; packages stay. */
function forget(path: string): void {
  const cached = requireFromCore.cache[path];
  if (!cached || path.includes('/node_modules/')) return;
  delete requireFromCore.cache[path];
  for (const child of cached.children) forget(child.id);
}

/**
 * The namespace `import()` would give for CommonJS `exports`, with the interop that TypeScript
 * and Babel emit: a module compiled from ESM (`__esModule`) keeps its own `default`.
 */
export function commonJsNamespace(exports: unknown): ModuleNamespace {
  if (typeof exports === 'object' && exports !== null) {
    const named = exports as ModuleNamespace;
    return named.__esModule ? { ...named } : { ...named, default: exports };
  }
  return { default: exports };
}

function moduleUrl(path: string, { fresh }: LoadOptions): string {
  const url = pathToFileURL(path).href;
  return fresh ? `${url}?t=${Date.now()}` : url;
}

/**
 * jiti evaluates the file inside a tiny parent module of its own, so that the file is a
 * child (`module.parent` set) as a `require`d CommonJS module would be.
 */
async function importTypeScript(path: string, { fresh }: LoadOptions): Promise<ModuleNamespace> {
  const { createJiti } = await import('jiti');
  const jiti = createJiti(import.meta.url, { moduleCache: !fresh });
  const parent = `module.exports = jitiImport(${JSON.stringify(path)});`;
  const loaded = await jiti.evalModule(parent, {
    filename: join(dirname(path), '[tsunicorn].js'),
    ext: '.js',
    async: true,
    forceTranspile: true,
  });
  return loaded as ModuleNamespace;
}

/**
 * The example apps the benchmark knows, and how each contender starts one. The app module
 * tsunicorn serves is read from the example's own start script (`tsunicorn SPEC …`),
 * so the benchmark follows the example; the baseline imports that same module.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** tsunicorn's CLI, as built by `pnpm build`. */
export const CLI = join(ROOT, 'packages/core/dist/cli.js');

const KNOWN = {
  express: { adapter: 'express', framework: 'express', scripts: ['start'] },
  fastify: { adapter: 'fastify', framework: 'fastify', scripts: ['start'] },
  // `start` serves createApp(): the app as its main.ts configures it (global pipes, prefix,
  // versioning), with the example's tsunicorn.config.js.
  nest: { adapter: 'nest', framework: '@nestjs/core', scripts: ['start'] },
  // Apps as they come, with no tsunicorn config (test/apps): the requests measured are the
  // ones a client would send, listed in the app's bench-requests.json, not tsunicorn's own.
  'express-shop': { adapter: 'express', framework: 'express', scripts: ['start'], base: 'test/apps' },
  // Documented by the openapi.yaml it ships: Express's warm-up reads it.
  'express-api': { adapter: 'express', framework: 'express', scripts: ['start'], base: 'test/apps' },
  'fastify-shop': { adapter: 'fastify', framework: 'fastify', scripts: ['start'], base: 'test/apps' },
  'nest-shop': { adapter: 'nest', framework: '@nestjs/core', scripts: ['start'], base: 'test/apps' },
};

/** Names of the apps the benchmark can run. */
export const APP_NAMES = Object.keys(KNOWN);

/**
 * Describes one example app, or says why it cannot run yet.
 * @returns {{ ok: true, name, dir, spec, framework, frameworkVersion } | { ok: false, name, why: string }}
 */
export function describeApp(name) {
  const known = KNOWN[name];
  if (!known) return notReady(name, `unknown app "${name}" (known: ${APP_NAMES.join(', ')})`);
  const dir = join(ROOT, known.base ?? 'examples', name);
  const adapterEntry = join(ROOT, 'packages', known.adapter, 'dist/index.js');
  if (!existsSync(adapterEntry)) return notReady(name, `${adapterEntry} is missing: build the adapter (pnpm build)`);
  const spec = known.scripts.map((script) => readStartSpec(dir, script)).find(Boolean);
  if (!spec)
    return notReady(
      name,
      `${known.base ?? 'examples'}/${name}/package.json has no "${known.scripts.join('" or "')}": "tsunicorn SPEC" script`,
    );
  const modulePath = spec.replace(/:[^:/\\]+$/, '');
  if (!existsSync(join(dir, modulePath)))
    return notReady(name, `${known.base ?? 'examples'}/${name}/${modulePath} is missing (not written or not built yet)`);
  const requestsFile = join(dir, 'bench-requests.json');
  const requests = existsSync(requestsFile) ? JSON.parse(readFileSync(requestsFile, 'utf8')) : null;
  return {
    ok: true,
    name,
    dir,
    spec,
    requests,
    baseline: known.adapter,
    framework: known.framework,
    frameworkVersion: readVersion(dir, known.framework),
  };
}

function notReady(name, why) {
  return { ok: false, name, why };
}

/** The arguments that start the app under tsunicorn with `workers` workers on a free loopback port. */
export function tsunicornArgs(app, workers) {
  return [CLI, app.spec, '-w', String(workers), '-b', '127.0.0.1:0'];
}

/** The arguments that start the same app module under plain node:cluster + listen(). */
export function baselineArgs(app, workers) {
  return [join(ROOT, 'bench/cold-start/baseline', `${app.baseline}.mjs`), app.spec, '--workers', String(workers)];
}

function readStartSpec(dir, script) {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const words = (pkg.scripts?.[script] ?? '').split(/\s+/);
    if (words[0] !== 'tsunicorn') return null;
    return words.slice(1).find((w, i, all) => !w.startsWith('-') && !(all[i - 1] ?? '').startsWith('-')) ?? null;
  } catch {
    return null;
  }
}

function readVersion(dir, pkgName) {
  try {
    return JSON.parse(readFileSync(join(dir, 'node_modules', pkgName, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

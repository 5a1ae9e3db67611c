/**
 * What a new user gets from the registry: every package is packed (as `pnpm publish` packs it),
 * the tarballs are installed with npm into new apps in a temporary directory outside this
 * workspace, and each app is served through `node_modules/.bin/tsunicorn` and through the
 * drop-in `listen()`, on the Node that runs the suite (CI runs it on 20 and 24).
 *
 * One npm install holds the tarballs and the frameworks the apps share; only the Express 4 app
 * installs its own Express, in its directory, so the slow part happens once per run.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
// Plain .mjs scripts, shared with `pnpm release:check`.
import { packAll, tarballProblems } from '../../scripts/pack-packages.mjs';
import { checkTarball } from '../../scripts/release-check.mjs';
import { getJson } from '../helpers/http.js';
import { ROOT, start, stopAll } from '../helpers/server.js';
import { APPS, type AppKind, writeApp } from './apps.js';

/** The frameworks the apps share, at the majors the adapters are built and tested against. */
const SHARED_DEPENDENCIES = [
  'express@^5.1.0',
  'fastify@^5.0.0',
  '@nestjs/core@^12.0.0',
  '@nestjs/common@^12.0.0',
  '@nestjs/platform-express@^12.0.0',
  'reflect-metadata@^0.2.2',
  'rxjs@^7.8.0',
  // For the TypeScript consumer: the types a TypeScript Express app has installed.
  '@types/node@^20.19.0',
  '@types/express@^5.0.0',
];

/** A TypeScript app using the packages, compiled (not run) under each module resolution. */
const TYPESCRIPT_APP: Record<string, string> = {
  'esm.mts': `import { defineConfig, isTsuError, type UserConfig } from '@tsunicorn/core';
import { listen } from '@tsunicorn/express';
import express from 'express';
const config: UserConfig = defineConfig({ workers: 2, bind: ['127.0.0.1:0'], maxRequests: 1000 });
void listen(() => express(), config);
export const known: boolean = isTsuError(new Error('x'), 'TSU_ERR_BIND');
`,
  'cjs.cts': `import core = require('@tsunicorn/core');
import fastify = require('@tsunicorn/fastify');
core.defineConfig({ workers: 2 });
export const listen: typeof fastify.listen = fastify.listen;
`,
  'bundler.ts':
    "import { defineConfig } from '@tsunicorn/core';\nimport { createAdapter } from '@tsunicorn/nest';\nexport const c = defineConfig({ workers: 1 });\nexport const make = createAdapter;\n",
};

const TSCONFIGS: Record<string, { module: string; moduleResolution: string; files: string[] }> = {
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext', files: ['esm.mts', 'cjs.cts'] },
  // Under module node16, TypeScript does not let CommonJS require() an ES module (nodenext,
  // which knows require(esm), does): node16 CommonJS files use import() (see the READMEs).
  node16: { module: 'node16', moduleResolution: 'node16', files: ['esm.mts'] },
  bundler: { module: 'esnext', moduleResolution: 'bundler', files: ['bundler.ts'] },
};

const NPM_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

let root: string;
let tarballs: Record<string, string>;
/** PATH with the Node that runs this suite first, so `#!/usr/bin/env node` finds the same one. */
let path: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tsunicorn-install-'));
  expect(root.startsWith(ROOT)).toBe(false);
  path = [dirname(process.execPath), process.env.PATH].join(delimiter);
  tarballs = packAll(join(root, 'tarballs'));
  const apps = join(root, 'apps');
  mkdirSync(apps, { recursive: true });
  writeFileSync(join(apps, 'package.json'), JSON.stringify({ name: 'apps', private: true }));
  npm(apps, ['install', ...NPM_FLAGS, ...Object.values(tarballs), ...SHARED_DEPENDENCIES]);
  for (const app of APPS) {
    const dir = join(apps, app.name);
    writeApp(dir, app);
    const own = Object.entries(app.ownDependencies ?? {}).map(([name, range]) => `${name}@${range}`);
    const ownTarballs = (app.ownTarballs ?? []).map((name) => tarballs[name]!);
    if (own.length > 0) npm(dir, ['install', ...NPM_FLAGS, ...ownTarballs, ...own]);
  }
}, 600_000);

afterEach(stopAll);
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

function npm(cwd: string, args: string[]): void {
  execFileSync('npm', args, { cwd, env: { ...process.env, PATH: path }, stdio: ['ignore', 'ignore', 'inherit'], timeout: 540_000 });
}

function appDir(app: AppKind): string {
  return join(root, 'apps', app.name);
}

/** The tsunicorn an app runs: its own when it installed the packages itself, else the shared one. */
function binOf(app: AppKind): string {
  const base = app.ownTarballs ? appDir(app) : join(root, 'apps');
  return join(base, 'node_modules', '.bin', 'tsunicorn');
}

/** Serves two requests, checks the framework and that workers (not the master) answer, then stops with TERM. */
async function expectServes(server: ReturnType<typeof start>, app: AppKind): Promise<void> {
  const port = await server.ready(60_000);
  const body = await getJson<{ framework: string; version: string; pid: number }>(port, '/');
  expect(body.framework).toBe(app.framework);
  expect(Number(body.version.split('.')[0])).toBe(app.major);
  expect(body.pid).not.toBe(server.pid);
  expect(server.workerPids).toContain(body.pid);
  expect(server.log).toContain(`(Node ${process.version})`);
  server.signal('SIGTERM');
  expect(await server.waitForExit()).toBe(0);
}

describe('the packed tarballs', () => {
  it('hold what a publish needs, with types that resolve, and pass npm publish --dry-run', () => {
    expect(Object.keys(tarballs).sort()).toEqual(['@tsunicorn/core', '@tsunicorn/express', '@tsunicorn/fastify', '@tsunicorn/nest']);
    for (const [name, tarball] of Object.entries(tarballs)) {
      const failed = checkTarball(tarball).filter(([, problem]: [string, string | null]) => problem !== null);
      expect(failed, name).toEqual([]);
    }
  }, 120_000);

  it('the tarball check names what an empty package lacks (as `pnpm pack` without a build made)', () => {
    const dir = join(root, 'empty-package', 'package');
    mkdirSync(dir, { recursive: true });
    const pkg = { name: '@tsunicorn/empty', version: '0.0.0', dependencies: { '@tsunicorn/core': 'workspace:^' } };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
    writeFileSync(join(dir, 'README.md'), '# empty\n\nSee [the docs](../../docs/warmup.md).\n');
    const tarball = join(root, 'empty-package', 'empty.tgz');
    execFileSync('tar', ['czf', tarball, '-C', dirname(dir), 'package']);
    expect(tarballProblems(tarball)).toEqual(
      expect.arrayContaining([
        'package/LICENSE is missing',
        'package/dist/index.js is missing',
        'package/dist/index.d.ts is missing',
        'package.json has no "repository"',
        'package.json has no "engines"',
        'package.json still has a workspace: range',
        'README.md links to ../../docs/warmup.md, which is relative',
      ]),
    );
  });
});

describe('a TypeScript app using the installed packages', () => {
  it.each(Object.keys(TSCONFIGS))('type-checks with moduleResolution %s', (name) => {
    const dir = join(root, 'apps', 'typescript');
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(TYPESCRIPT_APP)) writeFileSync(join(dir, file), text);
    const { files, ...options } = TSCONFIGS[name]!;
    const compilerOptions = { ...options, strict: true, noEmit: true, types: ['node'], skipLibCheck: false };
    writeFileSync(join(dir, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions, files }));
    const tsc = join(ROOT, 'node_modules/.bin/tsc');
    expect(() => execFileSync(tsc, ['-p', `tsconfig.${name}.json`], { cwd: dir, encoding: 'utf8', stdio: 'pipe' })).not.toThrow();
  });
});

describe.each(APPS)('installed from the tarballs with npm: $name', (app) => {
  it('serves through node_modules/.bin/tsunicorn', async () => {
    const server = start({
      executable: binOf(app),
      args: [app.appSpec, '-w', '2', '-b', '127.0.0.1:0'],
      cwd: appDir(app),
      env: { PATH: path },
    });
    await expectServes(server, app);
  });

  it('serves through the drop-in listen()', async () => {
    const server = start({ script: 'server.js', args: [], cwd: appDir(app), env: { PATH: path } });
    await expectServes(server, app);
  });
});

describe('Nest 11, installed beside the shared Nest 12', () => {
  const app = APPS.find((a) => a.name === 'nest11-esm')!;

  it('warms a ParseIntPipe route and a ValidationPipe DTO route with no config, without running the POST handler', async () => {
    const server = start({
      executable: binOf(app),
      args: [app.appSpec, '-w', '1', '-b', '127.0.0.1:0'],
      cwd: appDir(app),
      env: { PATH: path },
    });
    const port = await server.ready(60_000);
    expect((await getJson<{ version: string }>(port, '/')).version).toMatch(/^11\./);
    const calls = await getJson<Record<string, number>>(port, '/__calls');
    expect(calls.item ?? 0).toBeGreaterThan(0);
    expect(calls.order ?? 0).toBe(0);
    expect(server.log).toMatch(/GET\s+\/items\/:id\s+full stack\s+200/);
    expect(server.log).toMatch(/POST\s+\/orders\s+validator\+serializer\s+20\d/);
    // The DTO is validated and transformed as Nest 11 does it.
    const res = await fetch(`http://127.0.0.1:${port}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ quantity: 2, email: 'ada@example.org' }),
    });
    expect(await res.json()).toEqual({ ok: true, quantity: 2, email: 'ada@example.org' });
    server.signal('SIGTERM');
    expect(await server.waitForExit()).toBe(0);
  });
});

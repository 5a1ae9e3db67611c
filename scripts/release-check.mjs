#!/usr/bin/env node
/**
 * `pnpm release:check`: what a publish would ship, checked without publishing. Packs every
 * package (each builds itself in prepack), checks the tarball's files and package.json, checks
 * that its types resolve for TypeScript consumers (@arethetypeswrong/cli, profile node16:
 * node16/nodenext CommonJS and ESM, and bundler; node10 is not supported since the packages
 * are ESM-only), then runs `npm publish --dry-run` on the tarball. Exits 1 on any problem.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packAll, ROOT, tarballProblems } from './pack-packages.mjs';

const dest = mkdtempSync(join(tmpdir(), 'tsunicorn-release-'));
let failed = false;
const fail = (message) => {
  failed = true;
  console.error(`✗ ${message}`);
};

try {
  const tarballs = packAll(dest);
  for (const [name, tarball] of Object.entries(tarballs)) {
    console.log(`== ${name}: ${tarball}`);
    const problems = tarballProblems(tarball);
    for (const problem of problems) fail(`${name}: ${problem}`);
    if (problems.length === 0) console.log('✓ files and package.json');
    // cjs-resolves-to-esm is the packages' design, not a fault: they are ESM-only, and a
    // CommonJS consumer require()s them through require(esm), which every Node the engines
    // field allows (>= 20.19) has unflagged, as TypeScript's nodenext resolution knows.
    const attw = [tarball, '--profile', 'node16', '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'table-flipped'];
    run(name, 'types resolve for node16/nodenext (CJS, ESM) and bundler (attw)', join(ROOT, 'node_modules/.bin/attw'), attw);
    // --tag: npm refuses a dry run of a prerelease version without one; a registry write never happens.
    run(name, 'npm publish --dry-run', 'npm', ['publish', tarball, '--dry-run', '--access', 'public', '--tag', 'release-check']);
  }
} finally {
  rmSync(dest, { recursive: true, force: true });
}

if (failed) {
  console.error('release check failed');
  process.exit(1);
}
console.log('release check passed');

function run(name, what, command, args) {
  try {
    execFileSync(command, args, { cwd: dest, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    console.log(`✓ ${what}`);
  } catch (err) {
    fail(`${name}: ${what} failed\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}

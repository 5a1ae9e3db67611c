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
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packAll, ROOT, tarballProblems } from './pack-packages.mjs';

/**
 * Every check of one packed tarball; returns [what, problem or null] pairs in order.
 * `cjs-resolves-to-esm` is the packages' design, not a fault: they are ESM-only, and a
 * CommonJS consumer require()s them through require(esm), which every Node the engines field
 * allows (^20.19.0 || >=22.12.0) has without a flag, as TypeScript's nodenext resolution knows.
 */
export function checkTarball(tarball) {
  const files = tarballProblems(tarball);
  const attw = [tarball, '--profile', 'node16', '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'table-flipped'];
  return [
    ['files and package.json', files.length === 0 ? null : files.join('; ')],
    ['types resolve for node16/nodenext (CJS, ESM) and bundler (attw)', run(join(ROOT, 'node_modules/.bin/attw'), attw, dirname(tarball))],
    // --tag: a dry run names the dist-tag it would move; nothing is written to the registry.
    [
      'npm publish --dry-run',
      run('npm', ['publish', tarball, '--dry-run', '--access', 'public', '--tag', 'release-check'], dirname(tarball)),
    ],
  ];
}

/** Runs a command; null when it succeeds, else its output. */
function run(command, args, cwd) {
  try {
    execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    return null;
  } catch (err) {
    return `${err.stdout ?? ''}${err.stderr ?? ''}`.trim() || String(err);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dest = mkdtempSync(join(tmpdir(), 'tsunicorn-release-'));
  let failed = false;
  try {
    for (const [name, tarball] of Object.entries(packAll(dest))) {
      console.log(`== ${name}: ${tarball}`);
      for (const [what, problem] of checkTarball(tarball)) {
        if (problem === null) console.log(`✓ ${what}`);
        else {
          failed = true;
          console.error(`✗ ${what}\n${problem}`);
        }
      }
    }
  } finally {
    rmSync(dest, { recursive: true, force: true });
  }
  if (failed) {
    console.error('release check failed');
    process.exit(1);
  }
  console.log('release check passed');
}

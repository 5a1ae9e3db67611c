/**
 * Packs every published package the way `pnpm publish` would (prepack builds it, `workspace:`
 * ranges become real versions) and checks what each tarball holds. Used by
 * `pnpm release:check` and by the install-from-tarballs test.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The published packages, by directory under packages/. */
export const PACKAGES = ['core', 'express', 'fastify', 'nest'];

const PNPM = ['npx', '-y', 'pnpm@12'];

/** Packs every package into `dest`; returns { '@tsunicorn/core': '/dest/tsunicorn-core-0.1.0.tgz', … }. */
export function packAll(dest) {
  mkdirSync(dest, { recursive: true });
  const tarballs = {};
  for (const dir of PACKAGES) {
    const cwd = join(ROOT, 'packages', dir);
    const before = new Set(readdirSync(dest));
    execFileSync(PNPM[0], [...PNPM.slice(1), 'pack', '--pack-destination', dest], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
    const made = readdirSync(dest).filter((f) => f.endsWith('.tgz') && !before.has(f));
    const file = made.find((f) => f.startsWith(`tsunicorn-${dir}-`)) ?? readdirSync(dest).find((f) => f.startsWith(`tsunicorn-${dir}-`));
    if (!file) throw new Error(`pnpm pack in packages/${dir} made no tarball in ${dest}`);
    tarballs[`@tsunicorn/${dir}`] = join(dest, file);
  }
  return tarballs;
}

/** Files every tarball must hold, and what none may. */
const REQUIRED = ['package/package.json', 'package/LICENSE', 'package/README.md', 'package/dist/index.js', 'package/dist/index.d.ts'];
const FORBIDDEN = [/^package\/src\//, /^package\/test\//, /\.map$/, /\.tsbuildinfo$/, /^package\/dist\/scripts\//, /\.test\./];

/**
 * The problems with one tarball, as sentences (empty when it is complete): missing files,
 * files that should not ship, and package.json fields a registry page and npm need.
 */
export function tarballProblems(tarball) {
  const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const problems = [];
  for (const need of REQUIRED) if (!files.includes(need)) problems.push(`${need} is missing`);
  for (const file of files) if (FORBIDDEN.some((re) => re.test(file))) problems.push(`${file} should not be published`);
  const pkg = JSON.parse(execFileSync('tar', ['xzf', tarball, '-O', 'package/package.json'], { encoding: 'utf8' }));
  for (const field of ['license', 'repository', 'homepage', 'bugs', 'keywords', 'engines', 'exports', 'description']) {
    if (pkg[field] === undefined) problems.push(`package.json has no "${field}"`);
  }
  if (JSON.stringify(pkg).includes('workspace:')) problems.push('package.json still has a workspace: range');
  if (pkg.type !== 'module') problems.push('package.json is not "type": "module"');
  // npm shows the README outside the repository, where a relative link leads nowhere.
  if (files.includes('package/README.md')) {
    const readme = execFileSync('tar', ['xzf', tarball, '-O', 'package/README.md'], { encoding: 'utf8' });
    for (const [, link] of readme.matchAll(/\]\((\.{1,2}\/[^)\s]*)\)/g)) problems.push(`README.md links to ${link}, which is relative`);
  }
  for (const bin of Object.values(pkg.bin ?? {})) {
    const path = `package/${bin.replace(/^\.\//, '')}`;
    if (!files.includes(path)) problems.push(`bin ${bin} is missing`);
    else if (!execFileSync('tar', ['xzf', tarball, '-O', path], { encoding: 'utf8' }).startsWith('#!/usr/bin/env node')) {
      problems.push(`bin ${bin} has no #!/usr/bin/env node line`);
    }
  }
  return problems;
}

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Every source file of the core, with the folders (under src/) of the core modules it imports. */
function imports(): { file: string; folder: string; imported: string[] }[] {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  return files.map((file) => {
    const text = readFileSync(join(SRC, file), 'utf8');
    const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g)].map(
      (m) => m[1] ?? m[2]!,
    );
    const folderOf = (path: string) => (path.includes('/') ? path.split('/')[0]! : '.');
    const imported = specifiers.map((s) => folderOf(relative(SRC, join(SRC, file, '..', s))));
    return { file, folder: folderOf(file), imported };
  });
}

const violations = (from: string, forbidden: readonly string[]) =>
  imports()
    .filter((f) => f.folder === from)
    .flatMap((f) => f.imported.filter((i) => forbidden.includes(i)).map((i) => `${f.file} imports ${i}/`));

describe('import rules of packages/core/src', () => {
  it('finds the imports it checks', () => {
    expect(imports().find((f) => f.file === join('master', 'arbiter.ts'))?.imported).toContain('protocol');
  });

  it('master/ never imports worker/, nor worker/ master/', () => {
    expect(violations('master', ['worker'])).toEqual([]);
    expect(violations('worker', ['master'])).toEqual([]);
  });

  it('settings/ imports none of master/, worker/, protocol/ or adapter/', () => {
    expect(violations('settings', ['master', 'worker', 'protocol', 'adapter'])).toEqual([]);
  });

  it('protocol/ never imports master/ or worker/', () => {
    expect(violations('protocol', ['master', 'worker'])).toEqual([]);
  });

  it('adapter/ imports neither process side', () => {
    expect(violations('adapter', ['master', 'worker'])).toEqual([]);
  });
});

/**
 * TypeScript loads one way on every Node version (jiti, never Node's own type stripping), so a
 * config file or an app with an enum, a parameter property or a decorator behaves the same on
 * 20, 22 and 24; and a HUP re-reads what the config file imports.
 */
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getJson } from './helpers/http.js';
import { ROOT, start, stopAll } from './helpers/server.js';
import { tempDir } from './helpers/temp.js';

const APP = `${ROOT}test/parity/apps/typescript-app.ts`;

afterEach(stopAll);

/** A project directory with a tsunicorn.config.ts that imports its values from values.ts. */
function project(source: string): string {
  const dir = tempDir('tsu-ts-');
  writeValues(dir, source);
  writeFileSync(
    join(dir, 'tsunicorn.config.ts'),
    [
      "import { source } from './values.ts';",
      'enum Workers { One = 1 }',
      'function sealed(target: Function): void { Object.seal(target); }',
      '@sealed',
      'class Limits { static readonly timeout = 17; }',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the config file's own template literal
      'export default { workers: Workers.One, timeout: Limits.timeout, env: [`GREETING_SOURCE=${source}`] };',
      '',
    ].join('\n'),
  );
  return dir;
}

function writeValues(dir: string, source: string): void {
  writeFileSync(join(dir, 'values.ts'), `export const source: string = '${source}';\n`);
}

describe('TypeScript', () => {
  it('loads a config file with an enum and a decorator, and an app with decorator metadata', async () => {
    const dir = project('the first config');
    const server = start({ args: [APP, '-b', '127.0.0.1:0'], cwd: dir });
    const port = await server.ready();
    expect(await getJson(port, '/')).toEqual({ text: 'hello from the first config', paramTypes: ['Phrasebook'] });
    expect(server.log).toMatch(/Booting worker with pid: \d+ \(worker 1, gen 1\)/);
    expect(server.log).not.toMatch(/worker 2, gen 1/);
  });

  it('re-reads the files the config file imports on HUP', async () => {
    const dir = project('the first config');
    const server = start({ args: [APP, '-b', '127.0.0.1:0'], cwd: dir });
    const port = await server.ready();
    writeValues(dir, 'the edited config');
    server.signal('SIGHUP');
    await server.waitForLog(/Reload to gen 2 complete/, 30_000);
    expect(await getJson(port, '/')).toMatchObject({ text: 'hello from the edited config' });
  });

  it('prints the values of a TypeScript config file with --print-config', async () => {
    const dir = project('printed');
    cpSync(APP, join(dir, 'app.ts'));
    const server = start({ args: ['app.ts', '--print-config'], cwd: dir });
    expect(await server.waitForExit()).toBe(0);
    expect(server.log).toMatch(/^workers\s+= 1\s+# file .*tsunicorn\.config\.ts$/m);
    expect(server.log).toMatch(/^timeout\s+= 17\s+# file/m);
  });
});

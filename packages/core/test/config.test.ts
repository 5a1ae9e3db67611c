import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTsuError } from '../src/errors.js';
import { parseArgv, splitCommandLine } from '../src/settings/argv.js';
import { settingsMarkdown } from '../src/settings/doc.js';
import { readConfigFile, resolveSettings } from '../src/settings/resolve.js';

const resolve = (argv: string[] = [], env: NodeJS.ProcessEnv = {}, file: Record<string, unknown> | null = null) =>
  resolveSettings({ argv: parseArgv(argv), env, file: file && { path: '/tmp/tsunicorn.config.js', values: file } });

describe('settings precedence', () => {
  it('uses the defaults when nothing is given', () => {
    const s = resolve();
    expect(s.bind.map((b) => b.text)).toEqual(['127.0.0.1:8000']);
    expect(s.timeout).toBe(30);
    expect(s.workers).toBeGreaterThanOrEqual(1);
    expect(Object.isFrozen(s)).toBe(true);
  });

  it('ranks defaults < config file < environment < command line', () => {
    const file = { workers: 3, timeout: 10, keepAlive: 7, backlog: 100 };
    const env = { TSUNICORN_TIMEOUT: '20', TSUNICORN_KEEP_ALIVE: '8' };
    const s = resolve(['--keep-alive', '9'], env, file);
    expect(s.workers).toBe(3);
    expect(s.timeout).toBe(20);
    expect(s.keepAlive).toBe(9);
    expect(s.backlog).toBe(100);
  });

  it('reads TSUNICORN_CMD_ARGS like command-line flags, below the real command line', () => {
    const env = { TSUNICORN_CMD_ARGS: '--workers 5 --bind "unix:/tmp/a b.sock" --max-requests 100' };
    const s = resolve(['--max-requests', '200'], env);
    expect(s.workers).toBe(5);
    expect(s.bind.map((b) => b.text)).toEqual(['unix:/tmp/a b.sock']);
    expect(s.maxRequests).toBe(200);
  });

  it('takes WEB_CONCURRENCY and PORT from the platform, above the config file', () => {
    const s = resolve([], { WEB_CONCURRENCY: '6', PORT: '5000' }, { workers: 2 });
    expect(s.workers).toBe(6);
    expect(s.bind.map((b) => b.text)).toEqual(['0.0.0.0:5000']);
  });

  it('collects a repeated flag into a list', () => {
    const s = resolve(['-b', '127.0.0.1:1', '-b', '[::1]:2', '-e', 'A=1', '-e', 'B=x=y']);
    expect(s.bind.map((b) => b.text)).toEqual(['127.0.0.1:1', '[::1]:2']);
    expect(s.env).toEqual([
      ['A', '1'],
      ['B', 'x=y'],
    ]);
  });

  it('turns a boolean off with --no-', () => {
    expect(resolve(['--preload']).preload).toBe(true);
    expect(resolve(['--no-warmup-strict']).warmupStrict).toBe(false);
  });
});

describe('settings validation', () => {
  const failure = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return err;
    }
    throw new Error('expected an error');
  };

  it('names the setting, the flag, the source and the value', () => {
    const err = failure(() => resolve(['--workers', '0']));
    expect(isTsuError(err, 'TSU_ERR_INVALID_SETTING')).toBe(true);
    expect((err as Error).message).toBe(
      'invalid value for setting "workers" (--workers) from the command line: 0 is out of range (1..1024)',
    );
  });

  it('names the config file for a bad value there', () => {
    const err = failure(() => resolve([], {}, { timeout: 'soon' }));
    expect((err as Error).message).toContain(
      'invalid value for setting "timeout" (--timeout) from config file /tmp/tsunicorn.config.js: "soon" is not a number of seconds',
    );
  });

  it('rejects an unknown key and suggests the nearest known one', () => {
    const err = failure(() => resolve([], {}, { maxRequest: 10 }));
    expect(isTsuError(err, 'TSU_ERR_UNKNOWN_SETTING')).toBe(true);
    expect((err as Error).message).toContain(
      'unknown setting "maxRequest" in config file /tmp/tsunicorn.config.js (did you mean "maxRequests"?)',
    );
  });

  it('rejects a hook that is not a function', () => {
    expect((failure(() => resolve([], {}, { onStarting: 'yes' })) as Error).message).toContain('"onStarting"');
  });

  it('reads sizes with units for max-memory', () => {
    expect(resolve(['--max-memory', '512MB']).maxMemory).toBe(512 * 1024 * 1024);
    expect((failure(() => resolve(['--max-memory', 'lots'])) as Error).message).toContain('"lots" is not a size');
  });

  it('checks warm-up requests item by item', () => {
    const err = failure(() => resolve([], {}, { warmupRequests: ['/ok', { url: 'no-slash' }] }));
    expect((err as Error).message).toContain('item 1 has url "no-slash": it must be a path starting with "/"');
  });
});

describe('bind addresses', () => {
  const text = (raw: string) => resolve(['-b', raw]).bind[0];
  it('parses every form gunicorn accepts', () => {
    expect(text('0.0.0.0:80')).toMatchObject({ kind: 'tcp', host: '0.0.0.0', port: 80 });
    expect(text('[::1]:8080')).toMatchObject({ kind: 'tcp', host: '::1', port: 8080, text: '[::1]:8080' });
    expect(text(':9000')).toMatchObject({ host: '0.0.0.0', port: 9000 });
    expect(text('9001')).toMatchObject({ host: '0.0.0.0', port: 9001 });
    expect(text('localhost:1')).toMatchObject({ host: 'localhost', port: 1 });
    expect(text('unix:/run/app.sock')).toMatchObject({ kind: 'unix', path: '/run/app.sock' });
  });

  it('rejects malformed addresses with the reason', () => {
    expect(() => text('127.0.0.1')).toThrow('"127.0.0.1" has no port');
    expect(() => text('127.0.0.1:99999')).toThrow('invalid port "99999"');
    expect(() => text('::1:80')).toThrow('write it as [ADDRESS]:PORT');
    expect(() => text('unix:')).toThrow('no socket path');
  });
});

describe('command line', () => {
  it('splits TSUNICORN_CMD_ARGS honouring quotes', () => {
    expect(splitCommandLine(`-w 2 --bind='a b' "c \\"d\\""`)).toEqual(['-w', '2', '--bind=a b', 'c "d"']);
  });

  it('takes the APP argument as the app setting', () => {
    expect(resolve(['app.js:server']).app).toBe('app.js:server');
  });
});

describe('config files', () => {
  it('loads a TypeScript config file on every supported Node', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsu-config-'));
    writeFileSync(join(dir, 'tsunicorn.config.ts'), `const workers: number = 3;\nexport default { workers, timeout: 12 };\n`);
    const file = await readConfigFile(dir);
    expect(file?.path).toBe(join(dir, 'tsunicorn.config.ts'));
    expect(resolveSettings({ argv: parseArgv([]), env: {}, file })).toMatchObject({ workers: 3, timeout: 12 });
  });

  it('names the file when it fails to load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsu-config-'));
    writeFileSync(join(dir, 'tsunicorn.config.mjs'), 'throw new Error("boom in config");\n');
    await expect(readConfigFile(dir)).rejects.toThrow(/config file .*tsunicorn\.config\.mjs failed to load: Error: boom in config/);
  });

  it('reports a missing -c file', async () => {
    await expect(readConfigFile(tmpdir(), 'nope.config.js')).rejects.toThrow('nope.config.js does not exist');
  });
});

describe('docs/settings.md', () => {
  it('is the one generated from the settings table (run `pnpm docs` after changing a setting)', () => {
    const committed = readFileSync(new URL('../../../docs/settings.md', import.meta.url), 'utf8');
    expect(committed).toBe(settingsMarkdown());
  });
});

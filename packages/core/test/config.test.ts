import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/temp.js';
import { isTsuError } from '../src/errors.js';
import { parseArgv, splitCommandLine } from '../src/settings/argv.js';
import { settingsMarkdown } from '../src/settings/doc.js';
import { readConfigFile, resolveSettings, resolveSettingsWithSources } from '../src/settings/resolve.js';

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

  it('takes WEB_CONCURRENCY and PORT as defaults only, as gunicorn does', () => {
    const platform = { WEB_CONCURRENCY: '6', PORT: '5000' };
    const alone = resolve([], platform);
    expect(alone.workers).toBe(6);
    expect(alone.bind.map((b) => b.text)).toEqual(['0.0.0.0:5000']);
    // Any explicit bind or worker count wins, so PORT never widens 127.0.0.1 to 0.0.0.0.
    const fromFile = resolve([], platform, { workers: 2, bind: ['127.0.0.1:7000'] });
    expect(fromFile.workers).toBe(2);
    expect(fromFile.bind.map((b) => b.text)).toEqual(['127.0.0.1:7000']);
    const fromEnv = resolve([], { ...platform, TSUNICORN_BIND: '127.0.0.1:7001', TSUNICORN_WORKERS: '3' });
    expect(fromEnv.bind.map((b) => b.text)).toEqual(['127.0.0.1:7001']);
    expect(fromEnv.workers).toBe(3);
    const fromCli = resolve(['-b', '127.0.0.1:7002', '-w', '4'], platform);
    expect(fromCli.bind.map((b) => b.text)).toEqual(['127.0.0.1:7002']);
    expect(fromCli.workers).toBe(4);
  });

  it('tells where each value came from', () => {
    const { sources } = resolveSettingsWithSources({
      argv: parseArgv(['-b', '127.0.0.1:1', 'app.js']),
      env: { PORT: '9', WEB_CONCURRENCY: '2', TSUNICORN_TIMEOUT: '5', TSUNICORN_CMD_ARGS: '--keep-alive 3' },
      file: { path: '/srv/tsunicorn.config.js', values: { maxRequests: 10 } },
    });
    expect(sources.bind).toEqual({ kind: 'cli', detail: '--bind' });
    expect(sources.app).toEqual({ kind: 'cli', detail: 'APP argument' });
    expect(sources.workers).toEqual({ kind: 'platform', detail: 'WEB_CONCURRENCY' });
    expect(sources.timeout).toEqual({ kind: 'env', detail: 'TSUNICORN_TIMEOUT' });
    expect(sources.keepAlive).toEqual({ kind: 'env', detail: 'TSUNICORN_CMD_ARGS' });
    expect(sources.maxRequests).toEqual({ kind: 'file', detail: 'config file /srv/tsunicorn.config.js' });
    expect(sources.backlog.kind).toBe('default');
  });

  it('takes the gunicorn spellings of options', () => {
    const s = resolve(['--pid', '/tmp/a.pid', '--name', 'api', '--log-file', '-', '--access-logfile', '-', '--access-logformat', '%(s)s']);
    expect(s.pidfile).toBe('/tmp/a.pid');
    expect(s.procName).toBe('api');
    expect(s.errorLogfile).toBe('-');
    expect(s.accessLogfile).toBe('-');
    expect(s.accessLogFormat).toBe('%(s)s');
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
  const usageError = (argv: string[]) => {
    try {
      parseArgv(argv);
    } catch (err) {
      expect(isTsuError(err, 'TSU_ERR_USAGE')).toBe(true);
      return (err as Error).message;
    }
    throw new Error('expected a usage error');
  };

  it('suggests only options a typo could have meant', () => {
    expect(usageError(['--pod', 'x'])).toContain('did you mean --pid?');
    expect(usageError(['--workes', '2'])).toContain('did you mean --workers?');
    // Two edits from --bind is not a typo of it for a short word: no suggestion rather than a wrong one.
    expect(usageError(['--pic', 'x'])).toContain('did you mean --pid?');
    expect(usageError(['--qind', 'x'])).toContain('did you mean --bind?');
    expect(usageError(['--qxnd', 'x'])).toBe('unknown option --qxnd; see tsunicorn --help');
  });

  it('explains gunicorn options that tsunicorn has no equivalent for', () => {
    expect(usageError(['--reload'])).toContain("option --reload is gunicorn's, not tsunicorn's: tsunicorn does not watch files: send HUP");
    expect(usageError(['--threads', '4'])).toContain('use --workers');
    expect(usageError(['-D'])).toContain('runs in the foreground');
  });

  it('says how to write a flag that was given a value', () => {
    const hint = 'write --warmup-routes to turn it on and --no-warmup-routes to turn it off';
    expect(usageError(['app.js', '--warmup-routes', 'false'])).toBe(
      `--warmup-routes is a flag and takes no value (got "--warmup-routes false"): ${hint}`,
    );
    expect(usageError(['--warmup-routes=no', 'app.js'])).toBe(
      `--warmup-routes is a flag and takes no value (got "--warmup-routes=no"): ${hint}`,
    );
    // A second APP that is no boolean word is still reported as such.
    expect(usageError(['--warmup-routes', 'a.js', 'b.js'])).toBe('expected one APP argument, got 2: a.js b.js');
  });

  it('splits TSUNICORN_CMD_ARGS honouring quotes', () => {
    expect(splitCommandLine(`-w 2 --bind='a b' "c \\"d\\""`)).toEqual(['-w', '2', '--bind=a b', 'c "d"']);
  });

  it('takes the APP argument as the app setting', () => {
    expect(resolve(['app.js:server']).app).toBe('app.js:server');
  });
});

describe('config files', () => {
  it('loads a TypeScript config file on every supported Node', async () => {
    const dir = tempDir('tsu-config-');
    writeFileSync(join(dir, 'tsunicorn.config.ts'), `const workers: number = 3;\nexport default { workers, timeout: 12 };\n`);
    const file = await readConfigFile(dir);
    expect(file?.path).toBe(join(dir, 'tsunicorn.config.ts'));
    expect(resolveSettings({ argv: parseArgv([]), env: {}, file })).toMatchObject({ workers: 3, timeout: 12 });
  });

  // ES module config files are imported by the module runner here; test/reload.test.ts re-reads
  // one on HUP in a real master.
  it.each([
    ['tsunicorn.config.cjs', 'module.exports = { workers: N };\n'],
    ['tsunicorn.config.ts', 'const workers: number = N;\nexport default { workers };\n'],
  ])('reads %s afresh each time, as a HUP does', async (name, text) => {
    const dir = tempDir('tsu-config-');
    for (const workers of [2, 5]) {
      writeFileSync(join(dir, name), text.replace('N', String(workers)));
      const file = await readConfigFile(dir);
      expect(resolveSettings({ argv: parseArgv([]), env: {}, file }).workers).toBe(workers);
    }
  });

  it('names the file when it fails to load', async () => {
    const dir = tempDir('tsu-config-');
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

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/temp.js';
import { loadSettings } from '../src/index.js';
import { decodeFromMaster, encodeForWorker, readWorkerIdentity, WorkerEnv } from '../src/protocol/handover.js';
import { crossingOf, settingEntries } from '../src/settings/index.js';

describe('the settings handed to a worker', () => {
  it('cross as JSON unless the settings table says they are re-imported from the config file', () => {
    const reimported = settingEntries()
      .filter(([, spec]) => crossingOf(spec) === 'config-file')
      .map(([name]) => name);
    expect(reimported).toEqual(expect.arrayContaining(['warmup', 'adapterOptions', 'onStarting', 'postFork', 'preRequest']));
    const env = encodeForWorker(loadSettings({ workers: 3 }), { id: 2, generation: 5, configPath: null });
    const json = JSON.parse(env[WorkerEnv.SETTINGS]!) as Record<string, unknown>;
    for (const name of reimported) expect(json, name).not.toHaveProperty(name);
    expect(json.workers).toBe(3);
    expect(readWorkerIdentity(env)).toMatchObject({ id: 2, generation: 5 });
  });

  it('decode to the master’s values, with the functions taken from the config file, which wins over code', async () => {
    const dir = tempDir('tsu-handover-');
    const path = join(dir, 'tsunicorn.config.js');
    writeFileSync(path, 'export default { workers: 9, adapterOptions: { from: "file" }, postFork: () => "file" };\n');
    const master = loadSettings({ workers: 2, timeout: 7 });
    const env = encodeForWorker(master, { id: 1, generation: 1, configPath: path });
    const code = { adapterOptions: { from: 'code' }, warmup: async () => {} };
    const settings = await decodeFromMaster(code, env);
    // The master's checked value, not the file's edited one.
    expect(settings.workers).toBe(2);
    expect(settings.timeout).toBe(7);
    expect(settings.adapterOptions).toEqual({ from: 'file' });
    expect(settings.postFork).toHaveLength(1);
    expect(settings.warmup).toBe(code.warmup);
    expect(Object.isFrozen(settings)).toBe(true);
  });

  it('name the setting and its source when a re-imported value fails its check', async () => {
    const env = encodeForWorker(loadSettings(), { id: 1, generation: 1, configPath: null });
    await expect(decodeFromMaster({ postFork: 'not a function' } as never, env)).rejects.toMatchObject({
      code: 'TSU_ERR_INVALID_SETTING',
      message: expect.stringMatching(/setting "postFork" from listen\(\) options: string is not a function/),
    });
  });
});

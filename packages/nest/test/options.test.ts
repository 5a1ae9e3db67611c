import { describe, expect, it } from 'vitest';
import { createAdapter } from '../src/index.js';
import { checkAdapterOptions, splitListenOptions } from '../src/options.js';

class NotDecorated {}

describe('adapter options', () => {
  it('rejects an unknown platform, naming the setting and the value', () => {
    expect(() => checkAdapterOptions({ platform: 'koa' })).toThrow(
      expect.objectContaining({ code: 'TSU_ERR_INVALID_SETTING', message: expect.stringContaining('adapterOptions.platform is "koa"') }),
    );
  });

  it('rejects an unknown key and lists the known ones', () => {
    expect(() => checkAdapterOptions({ lazyModule: [] })).toThrow(
      expect.objectContaining({ message: expect.stringContaining('platform, lazyModules') }),
    );
  });

  it('rejects lazyModules that are not functions', () => {
    expect(() => checkAdapterOptions({ lazyModules: ['./pricing.module.js'] })).toThrow(
      expect.objectContaining({ code: 'TSU_ERR_INVALID_SETTING' }),
    );
  });

  it('splits listen() options into the adapter’s and the core’s settings', () => {
    const configure = (): void => {};
    expect(splitListenOptions({ workers: 3, bind: ['127.0.0.1:0'], platform: 'fastify', configure, warmupValidation: undefined })).toEqual({
      adapter: { platform: 'fastify', configure },
      settings: { workers: 3, bind: ['127.0.0.1:0'] },
    });
  });
});

describe('app source', () => {
  it('rejects a value that is neither a module class, an app nor a factory', () => {
    expect(() => createAdapter(42 as never)).toThrow(expect.objectContaining({ code: 'TSU_ERR_APP_KIND' }));
  });

  it('rejects a factory that returns something other than a Nest app', async () => {
    const { buildApp } = await import('./helpers.js');
    await expect(buildApp(createAdapter(async () => ({}) as never))).rejects.toMatchObject({ code: 'TSU_ERR_APP_KIND' });
  });

  it('takes an undecorated class for a module class, not a factory', async () => {
    const { isNestModuleClass } = await import('../src/index.js');
    expect(isNestModuleClass(NotDecorated)).toBe(true);
    expect(isNestModuleClass(async () => undefined)).toBe(false);
  });
});

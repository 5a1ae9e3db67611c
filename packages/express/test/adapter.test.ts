import { createRequire } from 'node:module';
import { join } from 'node:path';
import { isTsuError } from '@tsunicorn/core';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { createAdapter, isExpressApp } from '../src/index.js';
import { splitListenOptions } from '../src/options.js';
import { build, exampleDir, importExample, memoryLogger } from './helpers.js';

const ejs = createRequire(join(exampleDir, 'package.json'))('ejs') as { cache: { get(key: string): unknown; reset(): void } };
const pageLocals = { title: 'Warm', items: ['a'], pid: 1 };

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('it did not throw');
}

describe('build()', () => {
  it('returns a server that is not listening and carries the app as its request listener', async () => {
    const app = express();
    const served = await build(createAdapter(app));
    expect(served.server.listening).toBe(false);
    expect(served.server.listeners('request')).toEqual([app]);
  });

  it('calls the factory at build time, not before, and accepts an async one', async () => {
    let calls = 0;
    const adapter = createAdapter(async () => {
      calls++;
      return express();
    });
    expect(calls).toBe(0);
    await build(adapter);
    expect(calls).toBe(1);
  });

  it('rejects a factory that returns something other than an Express app', async () => {
    const adapter = createAdapter((() => ({ listen() {} })) as never);
    await expect(build(adapter)).rejects.toSatisfy((err) => isTsuError(err, 'TSU_ERR_APP_KIND'));
  });
});

describe('isExpressApp()', () => {
  it('recognises an Express app and a router-less one, and nothing else', () => {
    expect(isExpressApp(express())).toBe(true);
    expect(isExpressApp(express.Router())).toBe(false);
    expect(isExpressApp(() => express())).toBe(false);
    expect(isExpressApp({ handle() {}, set() {}, use() {}, settings: {} })).toBe(false);
  });
});

describe('prepare()', () => {
  it("loads the app's view engine without rendering anything", async () => {
    const { createApp } = await importExample();
    const app = createApp();
    const served = await build(createAdapter(app));
    await served.prepare?.();
    expect(Reflect.get(app, 'engines')).toHaveProperty('.ejs');
  });

  it('renders each configured view once, leaving its compiled template in the cache when view cache is on', async () => {
    const { createApp } = await importExample();
    const app = createApp();
    app.enable('view cache');
    ejs.cache.reset();
    const served = await build(createAdapter(app, { views: [{ name: 'page', locals: pageLocals }] }));
    await served.prepare?.();
    expect(ejs.cache.get(join(exampleDir, 'views', 'page.ejs'))).toBeTypeOf('function');
  });

  it("renders the views of the settings' adapterOptions too, as a config file gives them to listen()", async () => {
    const { createApp } = await importExample();
    const app = createApp();
    app.enable('view cache');
    ejs.cache.reset();
    const settings = { adapterOptions: { views: [{ name: 'page', locals: pageLocals }] } };
    const served = await build(createAdapter(app, { bodyWarmup: false }), settings);
    await served.prepare?.();
    expect(ejs.cache.get(join(exampleDir, 'views', 'page.ejs'))).toBeTypeOf('function');
    expect(served.warmupRequests?.()).toEqual([]);
  });

  it('takes the adapterOptions setting over the options given in code (the config file wins)', async () => {
    const app = express();
    app.use(express.json());
    const served = await build(createAdapter(app, { bodyWarmup: true }), { adapterOptions: { bodyWarmup: false } });
    expect(served.warmupRequests?.()).toEqual([]);
    const inCode = await build(createAdapter(app, { bodyWarmup: true }));
    expect(inCode.warmupRequests?.()).not.toEqual([]);
  });

  it('fails with a warm-up error that names a view that does not render', async () => {
    const { createApp } = await importExample();
    const served = await build(createAdapter(createApp(), { views: ['no-such-view'] }));
    const failure = served.prepare?.();
    await expect(failure).rejects.toSatisfy((err) => isTsuError(err, 'TSU_ERR_WARMUP'));
    await expect(failure).rejects.toThrow(/view "no-such-view"/);
  });

  it('only logs a view engine that cannot be loaded, since the app may never render', async () => {
    const app = express();
    app.set('view engine', 'no-such-engine');
    const log = memoryLogger();
    const served = await build(createAdapter(app), {}, log);
    await served.prepare?.();
    expect(log.lines).toEqual([expect.stringMatching(/^warning express: could not load the view engine "no-such-engine"/)]);
  });
});

describe('notes()', () => {
  it('says that templates compile on every render while view cache is off', async () => {
    const app = express();
    app.set('view engine', 'ejs');
    const served = await build(createAdapter(app));
    expect(served.notes?.()).toEqual([expect.stringContaining('view cache is off')]);
    app.enable('view cache');
    expect(served.notes?.()).toEqual([]);
  });
});

describe('close()', () => {
  it("runs the user's onClose once the server is no longer listening", async () => {
    const closed: string[] = [];
    const served = await build(createAdapter(express(), { onClose: async () => void closed.push('pool') }));
    await new Promise<void>((resolve) => served.server.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => served.server.close(() => resolve()));
    await served.close();
    expect(closed).toEqual(['pool']);
  });

  it('resolves without an onClose', async () => {
    const served = await build(createAdapter(express()));
    await expect(served.close()).resolves.toBeUndefined();
  });
});

describe('options', () => {
  it('rejects an unknown key as a setting error that names it', () => {
    const err = thrownBy(() => createAdapter(express(), { view: ['page'] }));
    expect(isTsuError(err, 'TSU_ERR_INVALID_SETTING')).toBe(true);
    expect(err).toHaveProperty('message', expect.stringContaining('unknown key "view"'));
  });

  it('rejects a bodyWarmup that is not a boolean and an onClose that is not a function', () => {
    expect(() => createAdapter(express(), { bodyWarmup: 'yes' })).toThrow(/bodyWarmup must be true or false/);
    expect(() => createAdapter(express(), { onClose: 'close' })).toThrow(/onClose must be a function/);
  });

  it('rejects views that are not names or { name, locals }', () => {
    expect(() => createAdapter(express(), { views: 'page' })).toThrow(/views must be an array/);
    expect(() => createAdapter(express(), { views: [{ locals: {} }] })).toThrow(/views\[0\] must be a view name/);
    expect(() => createAdapter(express(), { views: [{ name: 'page', locals: 3 }] })).toThrow(/views\[0\]\.locals must be an object/);
  });

  it("splits listen()'s options into the adapter's and tsunicorn's settings", () => {
    const onClose = () => {};
    const { adapter, settings } = splitListenOptions({ workers: 4, bind: ['0.0.0.0:3000'], views: ['page'], onClose });
    expect(settings).toEqual({ workers: 4, bind: ['0.0.0.0:3000'] });
    expect(adapter).toEqual({ views: ['page'], bodyWarmup: undefined, onClose });
  });
});

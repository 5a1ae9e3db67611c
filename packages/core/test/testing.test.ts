import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { Adapter, AdapterOptions } from '../src/adapter/contract.js';
import { detectFramework, isClass, isNestModuleClass } from '../src/adapter/detect.js';
import { nodeAdapter } from '../src/adapter/node.js';
import { buildApp, startApp } from '../src/testing.js';

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('no answer')));
    req.on('error', reject);
    req.end();
  });
}

describe('@tsunicorn/core/testing', () => {
  it('builds, warms and serves an adapter as a worker does; warm-up requests are not counted', async () => {
    const seen: string[] = [];
    const adapter = nodeAdapter((req, res) => {
      seen.push(req.headers['x-tsunicorn-warmup'] ? `warm ${req.url}` : `real ${req.url}`);
      res.end('ok');
    });
    const running = await startApp(adapter, { warmupRequests: ['/a'], warmupHits: 2 });
    try {
      expect(running.warmup).toMatchObject({ requests: 1, hits: 2, failed: 0 });
      // As after listen(): the server stands for the listener the master would own.
      expect(running.app.server.listening).toBe(true);
      expect(await get(running.port, '/b')).toEqual({ status: 200, body: 'ok' });
      expect(seen).toEqual(['warm /a', 'warm /a', 'real /b']);
      expect(running.requests).toBe(1);
    } finally {
      await running.close();
    }
  });

  it('fails the warm-up as a worker would, on an answer warmupStrict refuses', async () => {
    const adapter = nodeAdapter((_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    await expect(startApp(adapter, { warmupRequests: ['/'] })).rejects.toMatchObject({ code: 'TSU_ERR_WARMUP' });
  });
});

describe('adapter options', () => {
  /** An adapter that records the options it was built with. */
  function recording(options: AdapterOptions, check?: (o: AdapterOptions) => AdapterOptions) {
    const built: unknown[] = [];
    const adapter: Adapter<AdapterOptions> = {
      name: 'recording',
      options,
      ...(check ? { checkOptions: check } : {}),
      async build(ctx) {
        built.push(ctx.options);
        return nodeAdapter((_req, res) => res.end()).build({ ...ctx, options: {} });
      },
    };
    return { adapter, built };
  }

  it('reach build() as ctx.options: code options with the config file’s adapterOptions over them', async () => {
    const { adapter, built } = recording({ a: 'code', b: 'code' });
    await buildApp(adapter, { adapterOptions: { b: 'file', c: 'file' } });
    expect(built).toEqual([{ a: 'code', b: 'file', c: 'file' }]);
  });

  it('are checked once by the adapter, and a failed check names the adapterOptions setting', async () => {
    let checks = 0;
    const check = (o: AdapterOptions) => {
      checks++;
      if (o.bad !== undefined) throw new Error('unknown key "bad"');
      return { ...o, checked: true };
    };
    const ok = recording({}, check);
    await buildApp(ok.adapter, { adapterOptions: { fine: 1 } });
    expect(ok.built).toEqual([{ fine: 1, checked: true }]);
    expect(checks).toBe(1);
    const bad = recording({}, check);
    await expect(buildApp(bad.adapter, { adapterOptions: { bad: 1 } })).rejects.toMatchObject({
      code: 'TSU_ERR_INVALID_SETTING',
      message: expect.stringMatching(/"adapterOptions" of the recording adapter: unknown key "bad"/),
    });
  });
});

describe('detection', () => {
  it('takes any class for a Nest module, never for a factory: a class cannot be called', () => {
    class AppModule {}
    expect(isClass(AppModule)).toBe(true);
    expect(isNestModuleClass(AppModule)).toBe(true);
    expect(detectFramework(AppModule)).toBe('nest');
    expect(isClass(() => AppModule)).toBe(false);
    expect(detectFramework(() => ({}))).toBeNull();
  });
});

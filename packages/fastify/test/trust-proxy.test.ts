import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdapter } from '../src/index.js';
import { buildContext, closePrivateListener, handOverConnections, listenPrivately, send } from './helpers.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('forwarded-allow-ips on Fastify', () => {
  it('is passed to a factory as trustProxy, so request.ip comes from a trusted proxy', async () => {
    const factory = (options: { trustProxy?: true | string[] }) => {
      const app = Fastify({ ...options });
      app.get('/ip', async (request) => ({ ip: request.ip, protocol: request.protocol }));
      return app;
    };
    const served = await createAdapter(factory).build(buildContext({ forwardedAllowIps: ['127.0.0.1'] }));
    await listenPrivately(served);
    closePrivateListener(served);
    const { port, close } = await handOverConnections(served);
    closers.push(async () => {
      await close();
      await served.close();
    });
    const reply = await send(port, { path: '/ip', headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' } });
    expect(JSON.parse(reply.body)).toEqual({ ip: '203.0.113.9', protocol: 'https' });
  });

  it('warns, naming the fix, when an instance created without it is given', async () => {
    const lines: string[] = [];
    const ctx = buildContext({ forwardedAllowIps: ['127.0.0.1'] });
    const log = { ...ctx.log, warning: (line: string) => lines.push(line) };
    const app = Fastify();
    const served = await createAdapter(app).build({ ...ctx, log });
    closers.push(() => served.close());
    expect(lines).toEqual([expect.stringMatching(/forwarded-allow-ips \(\["127\.0\.0\.1"\]\) is not applied.*pass a factory/)]);
  });
});

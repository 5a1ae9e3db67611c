import { memoryLogger, type StartedApp, startApp } from '@tsunicorn/core/testing';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdapter } from '../src/index.js';
import { send } from './helpers.js';

const started: StartedApp[] = [];
afterEach(async () => {
  for (const app of started.splice(0)) await app.close();
});

describe('forwarded-allow-ips on Fastify', () => {
  it('is passed to a factory as trustProxy, so request.ip comes from a trusted proxy', async () => {
    const factory = (options: { trustProxy?: true | string[] }) => {
      const app = Fastify({ ...options });
      app.get('/ip', async (request) => ({ ip: request.ip, protocol: request.protocol }));
      return app;
    };
    const running = await startApp(createAdapter(factory), { forwardedAllowIps: ['127.0.0.1'] });
    started.push(running);
    const reply = await send(running.port, { path: '/ip', headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' } });
    expect(JSON.parse(reply.body)).toEqual({ ip: '203.0.113.9', protocol: 'https' });
  });

  it('warns, naming the fix, when an instance created without it is given', async () => {
    const log = memoryLogger();
    const app = Fastify();
    app.get('/', async () => 'ok');
    started.push(await startApp(createAdapter(app), { forwardedAllowIps: ['127.0.0.1'] }, log));
    expect(log.lines.filter((l) => l.startsWith('warning'))).toEqual([
      expect.stringMatching(/forwarded-allow-ips \(\["127\.0\.0\.1"\]\) is not applied.*pass a factory/),
    ]);
  });
});

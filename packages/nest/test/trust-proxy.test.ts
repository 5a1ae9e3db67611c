import type { INestApplication } from '@nestjs/common';
import { loadSettings, type ServedApp } from '@tsunicorn/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdapter, type NestPlatform } from '../src/index.js';
import { buildContext, closeListener, handOver, listenPrivately } from './helpers.js';

const dist = new URL('../../../examples/nest/dist/', import.meta.url);
const { AppModule } = (await import(new URL('app.module.js', dist).href)) as typeof import('../../../examples/nest/dist/app.module.js');

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A route on the platform's own instance that answers with the client address it sees. */
function addIpRoute(app: INestApplication): void {
  const instance = app.getHttpAdapter().getInstance() as {
    get(path: string, handler: (req: { ip: string }, res: { json?: (v: unknown) => void }) => unknown): void;
  };
  instance.get('/__ip', (req, res) => (res.json ? res.json({ ip: req.ip }) : { ip: req.ip }));
}

async function ipSeen(platform: NestPlatform): Promise<string> {
  const served: ServedApp = await createAdapter(AppModule, { platform, logger: false, configure: addIpRoute }).build({
    ...buildContext,
    settings: loadSettings({ forwardedAllowIps: ['127.0.0.1'] }),
  });
  await listenPrivately(served);
  closeListener(served);
  const { port, close } = await handOver(served);
  closers.push(async () => {
    await close();
    await served.close();
  });
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/__ip', headers: { 'x-forwarded-for': '203.0.113.9' } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve((JSON.parse(body) as { ip: string }).ip));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('forwarded-allow-ips on Nest', () => {
  it.each(['express', 'fastify'] as const)('is applied to the %s platform the adapter creates', async (platform) => {
    expect(await ipSeen(platform)).toBe('203.0.113.9');
  });
});

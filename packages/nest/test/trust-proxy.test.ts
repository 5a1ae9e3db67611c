import type { INestApplication } from '@nestjs/common';
import { type StartedApp, startApp } from '@tsunicorn/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdapter, type NestPlatform } from '../src/index.js';

const dist = new URL('../../../examples/nest/dist/', import.meta.url);
const { AppModule } = (await import(new URL('app.module.js', dist).href)) as typeof import('../../../examples/nest/dist/app.module.js');

const started: StartedApp[] = [];
afterEach(async () => {
  for (const app of started.splice(0)) await app.close();
});

/** A route on the platform's own instance that answers with the client address it sees. */
function addIpRoute(app: INestApplication): void {
  const instance = app.getHttpAdapter().getInstance() as {
    get(path: string, handler: (req: { ip: string }, res: { json?: (v: unknown) => void }) => unknown): void;
  };
  instance.get('/__ip', (req, res) => (res.json ? res.json({ ip: req.ip }) : { ip: req.ip }));
}

describe('forwarded-allow-ips on Nest', () => {
  it.each(['express', 'fastify'] as const)('is applied to the %s platform the adapter creates', async (platform: NestPlatform) => {
    const adapter = createAdapter(AppModule, { platform, logger: false, configure: addIpRoute });
    const running = await startApp(adapter, { forwardedAllowIps: ['127.0.0.1'], warmupRoutes: false });
    started.push(running);
    const { request } = await import('node:http');
    const ip = await new Promise<string>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: running.port, path: '/__ip', headers: { 'x-forwarded-for': '203.0.113.9' } },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve((JSON.parse(body) as { ip: string }).ip));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(ip).toBe('203.0.113.9');
  });
});

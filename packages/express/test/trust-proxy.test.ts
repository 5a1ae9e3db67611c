import { type StartedApp, startApp } from '@tsunicorn/core/testing';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdapter } from '../src/index.js';
import { send } from './helpers.js';

const started: StartedApp[] = [];
afterEach(async () => {
  for (const app of started.splice(0)) await app.close();
});

async function seen(config: Parameters<typeof startApp>[1]): Promise<unknown> {
  const app = express();
  app.get('/ip', (req, res) => res.json({ ip: req.ip, protocol: req.protocol }));
  const running = await startApp(createAdapter(app), config);
  started.push(running);
  const reply = await send(running.port, { url: '/ip', headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' } });
  return JSON.parse(reply.body);
}

describe('forwarded-allow-ips on Express', () => {
  it("sets 'trust proxy', so req.ip and req.protocol come from a trusted proxy's X-Forwarded headers", async () => {
    expect(await seen({ forwardedAllowIps: ['127.0.0.1'] })).toEqual({ ip: '203.0.113.9', protocol: 'https' });
    expect(await seen({ forwardedAllowIps: ['*'] })).toEqual({ ip: '203.0.113.9', protocol: 'https' });
  });

  it('leaves the app alone when empty, and ignores the headers from an untrusted peer', async () => {
    expect(await seen({})).toEqual({ ip: '127.0.0.1', protocol: 'http' });
    expect(await seen({ forwardedAllowIps: ['10.0.0.0/8'] })).toEqual({ ip: '127.0.0.1', protocol: 'http' });
  });
});

import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdapter } from '../src/index.js';
import { buildContext, send, serveHandedConnections } from './helpers.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function ipSeen(config: Parameters<typeof buildContext>[0]): Promise<string> {
  const app = express();
  app.get('/ip', (req, res) => res.json({ ip: req.ip, protocol: req.protocol }));
  const served = await createAdapter(app).build(buildContext(config));
  const { port, close } = await serveHandedConnections(served);
  closers.push(close);
  const reply = await send(port, { url: '/ip', headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' } });
  return reply.body;
}

describe('forwarded-allow-ips on Express', () => {
  it("sets 'trust proxy', so req.ip and req.protocol come from a trusted proxy's X-Forwarded headers", async () => {
    expect(JSON.parse(await ipSeen({ forwardedAllowIps: ['127.0.0.1'] }))).toEqual({ ip: '203.0.113.9', protocol: 'https' });
    expect(JSON.parse(await ipSeen({ forwardedAllowIps: ['*'] }))).toEqual({ ip: '203.0.113.9', protocol: 'https' });
  });

  it('leaves the app alone when empty, and ignores the headers from an untrusted peer', async () => {
    expect(JSON.parse(await ipSeen({}))).toEqual({ ip: '127.0.0.1', protocol: 'http' });
    expect(JSON.parse(await ipSeen({ forwardedAllowIps: ['10.0.0.0/8'] }))).toEqual({ ip: '127.0.0.1', protocol: 'http' });
  });
});

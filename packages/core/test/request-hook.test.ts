/**
 * The worker's per-request hook on real node:http servers: folded into the app's one listener,
 * still seen as the app's by listeners() and removeListener(), prepended beside several, and
 * kept whole by the request-limit guard that wraps the listeners after it.
 */
import { once } from 'node:events';
import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { beforeEachRequest } from '../src/worker/request-hook.js';
import { guardRequestLimits } from '../src/worker/request-limits.js';

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

function fetchText(port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('timeout', function (this: { destroy(err: Error): void }) {
        this.destroy(new Error('no response in 5 s'));
      })
      .on('error', reject);
  });
}

describe('beforeEachRequest', () => {
  it('runs before the app, inside its one listener, which listeners() and removeListener() still see', async () => {
    const order: string[] = [];
    const app = (req: IncomingMessage, res: ServerResponse) => {
      order.push(`app ${req.url}`);
      res.end('from app');
    };
    const server = createServer(app);
    beforeEachRequest(server, (req) => order.push(`hook ${req.url}`));
    expect(server.rawListeners('request')).toHaveLength(1);
    expect(server.listeners('request')).toEqual([app]);
    const port = await listen(server);

    expect(await fetchText(port, '/a')).toEqual({ status: 200, body: 'from app' });
    expect(order).toEqual(['hook /a', 'app /a']);

    server.removeListener('request', app);
    expect(server.listenerCount('request')).toBe(0);
  });

  it('calls the app with the server as `this`, as emit does', async () => {
    let self: unknown = null;
    const server = createServer(function (this: Server, _req, res) {
      self = this;
      res.end();
    });
    beforeEachRequest(server, () => {});
    const port = await listen(server);
    await fetchText(port);
    expect(self).toBe(server);
  });

  it('is prepended when the server has several request listeners', async () => {
    const order: string[] = [];
    const server = createServer((_req, res) => {
      order.push('first');
      res.end();
    });
    server.on('request', () => order.push('second'));
    beforeEachRequest(server, () => order.push('hook'));
    expect(server.rawListeners('request')).toHaveLength(3);
    const port = await listen(server);
    await fetchText(port);
    expect(order).toEqual(['hook', 'first', 'second']);
  });

  it('is kept when the request-limit guard wraps the listeners afterwards', async () => {
    let hooked = 0;
    const server = createServer((_req, res) => res.end('ok'));
    beforeEachRequest(server, () => hooked++);
    guardRequestLimits(server, { limitRequestLine: 100, limitRequestFields: 0, limitRequestFieldSize: 0 });
    const port = await listen(server);
    expect(await fetchText(port, '/short')).toEqual({ status: 200, body: 'ok' });
    expect((await fetchText(port, `/${'x'.repeat(200)}`)).status).toBe(414);
    expect(hooked).toBe(1);
  });
});

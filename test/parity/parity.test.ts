/**
 * Parity: the same app module served by the framework's own listen() and by tsunicorn must
 * answer the same bytes — status, headers (but Date), body and chunk framing — for every
 * shape of exchange an app relies on. Differences that cannot be removed are documented in
 * docs/parity.md; none is tolerated here.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { stopAll, until } from '../helpers/server.js';
import { comparable, type ExchangeOptions, exchange, parseResponses, type RawResponse, type Step, type Target } from './raw-http.js';
import { request, type Served, servePlain, serveTsunicorn } from './servers.js';

afterAll(stopAll);

/** Runs the same exchange against both servers, one after the other. */
async function onBoth<T>(pair: readonly Served[], run: (target: Target) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (const served of pair) results.push(await run(served.target));
  return results;
}

async function compareExchange(
  pair: readonly Served[],
  steps: readonly Step[],
  options: ExchangeOptions = {},
  replace?: (name: string, value: string) => string,
) {
  const [plain, tsu] = await onBoth(pair, async (target) => {
    const { responses, rest } = await exchange(target, steps, options);
    return { responses: responses.map((r) => comparable(r, replace)), rest: rest.toString('latin1') };
  });
  expect(tsu).toEqual(plain);
  return plain!;
}

const seen = (text: string) => (received: Buffer) => received.includes(text);

describe('a node:http app', () => {
  let pair: Served[];
  beforeAll(async () => {
    pair = await Promise.all([servePlain('node-http.cjs'), serveTsunicorn('node-http.cjs')]);
  });

  const cases: [string, Step[], ExchangeOptions?][] = [
    ['a response written in two pieces', [request('GET', '/pieces')]],
    ['a sized response written in two pieces', [request('GET', '/pieces-sized')]],
    ['a response streamed over time', [request('GET', '/stream')]],
    ['a file piped into the response', [request('GET', '/file')]],
    ['a 5 MB response body', [request('GET', '/big')]],
    ['a gzip-compressed response', [request('GET', '/gzip')]],
    ['server-sent events', [request('GET', '/sse')]],
    ['HEAD of a chunked response', [request('HEAD', '/pieces')], { headIndexes: [0] }],
    ['a route that does not exist', [request('GET', '/nowhere')]],
    [
      'a chunked upload sent in pieces',
      [request('POST', '/upload', { 'Transfer-Encoding': 'chunked' }), '5\r\nhello\r\n', '6\r\n world\r\n', '0\r\n\r\n'],
    ],
    ['a 5 MB upload', [request('POST', '/upload', { 'Content-Length': 5 * 1024 * 1024 }), Buffer.alloc(5 * 1024 * 1024, 'u')]],
    ['Expect: 100-continue', [request('POST', '/upload', { 'Content-Length': 4, Expect: '100-continue' }), seen('100 Continue'), 'body']],
    [
      'three pipelined requests',
      [request('GET', '/pieces') + request('GET', '/pieces-sized') + request('GET', '/nowhere')],
      { responses: 3 },
    ],
    ['request headers of 12 KB', [request('GET', '/headers', headers(12, 1000))]],
    ['request headers over the 16 KB limit', [request('GET', '/headers', headers(20, 1000))]],
    ['a client that half-closes after its request', [request('GET', '/pieces'), { end: true }]],
    ['a malformed request', ['NOT HTTP AT ALL\r\n\r\n']],
  ];

  it.each(cases)('answers %s as plain listen() does', async (_name, steps, options) => {
    const plain = await compareExchange(pair, steps, options);
    expect(plain.responses.length).toBeGreaterThan(0);
  });

  it('reports the peer and local addresses the client sees', async () => {
    for (const served of pair) {
      const { responses, socket } = await exchange(served.target, [request('GET', '/peer')], { keepOpen: true });
      const peer = JSON.parse(responses[0]!.body.toString()) as Record<string, unknown>;
      expect(peer, served.name).toEqual({
        remoteAddress: socket.localAddress,
        remotePort: socket.localPort,
        localAddress: '127.0.0.1',
        localPort: (served.target as { port: number }).port,
      });
      socket.destroy();
    }
  });

  it("runs the server's own 'connection' listeners and counts its open connections", async () => {
    const [plain, tsu] = await onBoth(pair, async (target) => {
      const { responses } = await exchange(target, [request('GET', '/connections')]);
      return JSON.parse(responses[0]!.body.toString()) as unknown;
    });
    expect(plain).toEqual({ seenByListener: true, open: 1 });
    expect(tsu).toEqual(plain);
  });

  it("emits no 'close' on the app's server while it serves", async () => {
    const [plain, tsu] = await onBoth(pair, async (target) => {
      const { responses } = await exchange(target, [request('GET', '/lifecycle')]);
      return JSON.parse(responses[0]!.body.toString()) as unknown;
    });
    expect(plain).toEqual({ closed: 0 });
    expect(tsu).toEqual(plain);
  });

  it('reports the address it serves and that it is listening', async () => {
    const [plain, tsu] = await onBoth(pair, async (target) => {
      const { responses } = await exchange(target, [request('GET', '/address')]);
      return JSON.parse(responses[0]!.body.toString()) as { address: { port: number } };
    });
    expect(plain).toEqual({
      listening: true,
      address: { address: '127.0.0.1', family: 'IPv4', port: (pair[0]!.target as { port: number }).port },
    });
    expect({ ...tsu, address: { ...tsu!.address, port: 0 } }).toEqual({ ...plain, address: { ...plain!.address, port: 0 } });
    expect(tsu!.address.port).toBe((pair[1]!.target as { port: number }).port);
  });

  it('gives each connection the socket options the server asked for', async () => {
    const [plain, tsu] = await onBoth(pair, async (target) => {
      const { responses } = await exchange(target, [request('GET', '/socket-options')]);
      return JSON.parse(responses[0]!.body.toString()) as unknown;
    });
    expect(plain).toEqual({
      noDelay: true,
      keepAlive: true,
      keepAliveInitialDelay: 3,
      allowHalfOpen: true,
      readableHighWaterMark: 32 * 1024,
      writableHighWaterMark: 32 * 1024,
    });
    expect(tsu).toEqual(plain);
  });

  it('drops a connection over maxConnections with a drop event, as Node does', async () => {
    const outcomes = await onBoth(pair, async (target) => {
      // One connection holds the only place, and asks for the count on that same connection.
      const holder = connect(target as Parameters<typeof connect>[0]);
      const answers = collect(holder);
      holder.write(request('GET', '/limit'));
      await answers.until(1);
      const refused = await exchange(target, [request('GET', '/pieces')]).then(
        ({ responses }) => `${responses.length} response(s)`,
        (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? '0 response(s)' : String(err)),
      );
      holder.write(request('GET', '/unlimit'));
      const [, unlimit] = await answers.until(2);
      holder.destroy();
      return { refused, dropped: JSON.parse(unlimit!.body.toString()) as unknown };
    });
    expect(outcomes[0]).toEqual({ refused: '0 response(s)', dropped: { dropped: 1 } });
    expect(outcomes[1]).toEqual(outcomes[0]);
  });

  it('sees a client abort mid-response as the response closing unfinished', async () => {
    const counts = await onBoth(pair, async (target) => {
      const before = await abortCount(target);
      const { socket } = await exchange(target, [request('GET', '/slow')], {
        keepOpen: true,
        until: ({ rest }) => rest.length > 0,
        responses: 0,
      });
      socket.destroy();
      await until(async () => (await abortCount(target)) > before, 5_000, 'the app to see the abort');
      return (await abortCount(target)) - before;
    });
    expect(counts).toEqual([1, 1]);
  });

  it('hands a WebSocket upgrade to the app and carries its messages', async () => {
    const upgrade = request('GET', '/ws', {
      Connection: 'Upgrade',
      Upgrade: 'websocket',
      'Sec-WebSocket-Version': 13,
      'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    });
    const handshake = await compareExchange(pair, [upgrade]);
    expect(handshake.responses[0]!.status).toBe(101);
    const echoes = await onBoth(pair, async (target) => {
      const { host, port } = target as { host: string; port: number };
      const ws = new WebSocket(`ws://${host}:${port}/ws`);
      await once(ws, 'open');
      ws.send('hello');
      const [data] = (await once(ws, 'message')) as [Buffer];
      ws.close();
      return data.toString();
    });
    expect(echoes).toEqual(['echo: hello', 'echo: hello']);
  });

  it("hands a CONNECT request to the app's 'connect' listener and tunnels its bytes", async () => {
    const tunnel = await compareExchange(
      pair,
      ['CONNECT upstream.test:443 HTTP/1.1\r\nHost: upstream.test:443\r\n\r\n', seen('Established\r\n\r\n'), 'ping'],
      { until: ({ rest }) => rest.includes('ping') },
    );
    expect(tunnel.rest).toBe('tunnel upstream.test:443: ping');
  });
});

describe.each(['ipv6', 'unix'] as const)('a node:http app bound to %s', (bind) => {
  let pair: Served[];
  beforeAll(async () => {
    pair = await Promise.all([servePlain('node-http.cjs', bind), serveTsunicorn('node-http.cjs', bind)]);
  });

  it('answers a response written in two pieces as plain listen() does', async () => {
    await compareExchange(pair, [request('GET', '/pieces')]);
  });

  it('reports the same peer address', async () => {
    const [plain, tsu] = await onBoth(pair, async (target) => {
      const { responses } = await exchange(target, [request('GET', '/peer')]);
      const peer = JSON.parse(responses[0]!.body.toString()) as Record<string, unknown>;
      return { remoteAddress: peer.remoteAddress ?? null, localAddress: peer.localAddress ?? null };
    });
    expect(plain).toEqual(bind === 'ipv6' ? { remoteAddress: '::1', localAddress: '::1' } : { remoteAddress: null, localAddress: null });
    expect(tsu).toEqual(plain);
  });
});

describe('an Express app with express-session, compression and a mounted sub-app', () => {
  let pair: Served[];
  beforeAll(async () => {
    pair = await Promise.all([servePlain('express-session.cjs'), serveTsunicorn('express-session.cjs')]);
  });

  /** A session id and its signature differ on every run; everything else must not. */
  const sessionCookie = (name: string, value: string) =>
    name === 'set-cookie' ? value.replace(/connect\.sid=[^;]+/, 'connect.sid=ID') : value;

  it('keeps a session across requests as plain listen() does', async () => {
    const flows = await onBoth(pair, async (target) => {
      const first = await exchange(target, [request('GET', '/')]);
      const cookie = header(first.responses[0]!, 'set-cookie')!.split(';')[0]!;
      const second = await exchange(target, [request('GET', '/', { Cookie: cookie })]);
      return [first.responses[0]!, second.responses[0]!].map((r) => comparable(r, sessionCookie));
    });
    expect(flows[0]![1]!.body).toContain('viewed <strong>2</strong> times');
    expect(flows[1]).toEqual(flows[0]);
  });

  it.each([
    ['a compressed route', request('GET', '/gz', { 'Accept-Encoding': 'gzip' })],
    ['a response written in two pieces', request('GET', '/pieces')],
    ["the sub-app's root", request('GET', '/x/')],
    ["the sub-app's route with a parameter", request('GET', '/x/items/42')],
  ])('answers %s as plain listen() does', async (_name, bytes) => {
    const plain = await compareExchange(pair, [bytes]);
    expect(plain.responses[0]!.status).toBe(200);
  });

  it('does not run the standalone branch guarded by !module.parent', () => {
    const tsunicorn = pair[1]!.server;
    expect(tsunicorn.log).not.toContain('STANDALONE');
    expect(tsunicorn.log).not.toContain('called listen(');
  });
});

describe('a Fastify app that streams', () => {
  let pair: Served[];
  beforeAll(async () => {
    pair = await Promise.all([servePlain('fastify-stream.mjs'), serveTsunicorn('fastify-stream.mjs')]);
  });

  it.each([
    ['a streamed reply', request('GET', '/stream')],
    ['a JSON route', request('GET', '/json')],
    ['a JSON body', request('POST', '/echo', { 'Content-Type': 'application/json', 'Content-Length': 13 }, '{"a":[1,2,3]}')],
  ])('answers %s as plain listen() does', async (_name, bytes) => {
    const plain = await compareExchange(pair, [bytes]);
    expect(plain.responses[0]!.status).toBe(200);
  });
});

describe('a Nest app that streams', () => {
  let pair: Served[];
  beforeAll(async () => {
    pair = await Promise.all([servePlain('nest-stream.mjs'), serveTsunicorn('nest-stream.mjs')]);
  });

  it.each([
    ['a StreamableFile', request('GET', '/s/file')],
    ['server-sent events', request('GET', '/s/events')],
    ['a JSON route', request('GET', '/s/json')],
  ])('answers %s as plain listen() does', async (_name, bytes) => {
    const plain = await compareExchange(pair, [bytes]);
    expect(plain.responses[0]!.status).toBe(200);
  });
});

describe("the app's server at shutdown", () => {
  it("emits 'close' once when a worker stops, as server.close() would", async () => {
    const served = await serveTsunicorn('node-http.cjs');
    await exchange(served.target, [request('GET', '/pieces')]);
    served.server.signal('SIGTERM');
    expect(await served.server.waitForExit()).toBe(0);
    expect(served.server.log.match(/PARITY: server closed \(\d+\)/g)).toEqual(['PARITY: server closed (1)']);
  });
});

describe('an app imported, not run', () => {
  it.each([
    ['CommonJS', 'guarded-main.cjs', { parent: true, main: false }],
    ['TypeScript', 'guarded-main.ts', { answer: 'yes', parent: true, main: false }],
  ])('%s: is a module of a parent, so neither standalone guard runs in a worker', async (_kind, app, expected) => {
    const served = await serveTsunicorn(app, 'ipv4', ['-w', '2']);
    const { responses } = await exchange(served.target, [request('GET', '/')]);
    expect(JSON.parse(responses[0]!.body.toString())).toEqual(expected);
    expect(served.server.log).not.toContain('STANDALONE');
    expect(served.server.log).not.toContain('called listen(');
    await served.server.stop();
  });

  it('ES module: import.meta.main is false in a worker (undefined before Node 24.2)', async () => {
    const served = await serveTsunicorn('guarded-main.mjs', 'ipv4', ['-w', '2']);
    const { responses } = await exchange(served.target, [request('GET', '/')]);
    const { importMetaMain } = JSON.parse(responses[0]!.body.toString()) as { importMetaMain: boolean | null };
    expect(importMetaMain === false || importMetaMain === null).toBe(true);
    expect(served.server.log).not.toContain('STANDALONE');
    await served.server.stop();
  });
});

function headers(count: number, size: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`X-Filler-${i}`, 'f'.repeat(size)]));
}

function header(response: RawResponse, name: string): string | undefined {
  return response.headers.find(([n]) => n === name)?.[1];
}

async function abortCount(target: Target): Promise<number> {
  const { responses } = await exchange(target, [request('GET', '/aborts')]);
  return (JSON.parse(responses[0]!.body.toString()) as { aborted: number }).aborted;
}

/** Collects the responses arriving on a socket the test writes to itself. */
function collect(socket: Socket) {
  let data = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    data = Buffer.concat([data, chunk]);
  });
  return {
    async until(count: number): Promise<RawResponse[]> {
      const parsed = () => parseResponses(data, [], false).responses;
      await until(() => parsed().length >= count, 5_000, `${count} response(s)`);
      return parsed();
    },
  };
}

/**
 * The warm-up's own HTTP/1.1 client against a real node:http server: every way a response can
 * be framed (Content-Length, chunked with trailers, to the end of the connection, no body for
 * HEAD and 204), interim responses, one kept-alive connection reused, and a new one when the
 * server closes it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseReader, WarmupClient } from '../src/worker/warmup-client.js';

let server: Server;
let port: number;
const peers = new Set<number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    peers.add(req.socket.remotePort ?? 0);
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => {
      if (req.url === '/chunked') {
        res.writeHead(200, { trailer: 'x-done' });
        res.write('hel');
        res.write('lo');
        res.addTrailers({ 'x-done': '1' });
        return res.end();
      }
      if (req.url === '/hints') {
        res.writeEarlyHints({ link: '</a.css>; rel=preload' });
        return res.end('after hints');
      }
      if (req.url === '/empty') return res.writeHead(204).end();
      if (req.url === '/close') return res.writeHead(200, { connection: 'close' }).end('bye');
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.end(
        JSON.stringify({
          method: req.method,
          marker: req.headers['x-tsunicorn-warmup'],
          type: req.headers['content-type'] ?? null,
          body: Buffer.concat(body).toString(),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const timeout = () => new Error('timed out');

describe('WarmupClient', () => {
  it('sends the marker and a JSON body, and reads a Content-Length response with its headers', async () => {
    const client = new WarmupClient(port, performance.now() + 5000, timeout);
    const res = await client.send({ method: 'POST', url: '/echo', body: { a: 1 } });
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(JSON.parse(res.body)).toEqual({ method: 'POST', marker: '1', type: 'application/json', body: '{"a":1}' });
    client.close();
  });

  it('reads chunked bodies with trailers, skips interim responses, and reads no body for HEAD and 204', async () => {
    const client = new WarmupClient(port, performance.now() + 5000, timeout);
    peers.clear();
    expect((await client.send({ url: '/chunked' })).body).toBe('hello');
    expect(await client.send({ url: '/hints' })).toMatchObject({ status: 200, body: 'after hints' });
    expect(await client.send({ url: '/empty' })).toMatchObject({ status: 204, body: '' });
    expect(await client.send({ method: 'HEAD', url: '/echo' })).toMatchObject({ status: 200, body: '' });
    // All of them on one kept-alive connection.
    expect(peers.size).toBe(1);
    client.close();
  });

  it('opens a new connection after the server closes one', async () => {
    const client = new WarmupClient(port, performance.now() + 5000, timeout);
    peers.clear();
    expect((await client.send({ url: '/close' })).body).toBe('bye');
    expect((await client.send({ url: '/echo' })).status).toBe(200);
    expect(peers.size).toBe(2);
    client.close();
  });

  it('fails with the timeout error once the deadline has passed', async () => {
    const client = new WarmupClient(port, performance.now() - 1, timeout);
    await expect(client.send({ url: '/echo' })).rejects.toThrow('timed out');
  });

  it('fails on bytes that are not an HTTP response', async () => {
    const raw = createServer();
    raw.on('connection', (socket) => socket.end('SSH-2.0-nope\r\n\r\n'));
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    const client = new WarmupClient((raw.address() as AddressInfo).port, performance.now() + 5000, timeout);
    await expect(client.send({ url: '/' })).rejects.toThrow(/not an HTTP\/1\.x response/);
    client.close();
    await new Promise((resolve) => raw.close(resolve));
  });
});

describe('ResponseReader', () => {
  it('completes a body read to the end of the connection only when it ends', () => {
    const reader = new ResponseReader(false);
    expect(reader.push(Buffer.from('HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\npart'))).toBeNull();
    expect(reader.end()).toMatchObject({ response: { status: 200, body: 'part' }, keepAlive: false });
  });

  it('waits for every byte of a split Content-Length body', () => {
    const reader = new ResponseReader(false);
    expect(reader.push(Buffer.from('HTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\nab'))).toBeNull();
    expect(reader.push(Buffer.from('cde'))).toMatchObject({ response: { status: 201, body: 'abcde' }, keepAlive: true });
  });
});

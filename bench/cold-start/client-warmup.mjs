/**
 * Warms the benchmark's own client before any measurement. Its code is compiled lazily too:
 * unwarmed, the very first measured request would carry the client's cold start and make
 * whichever contender runs first look slower.
 */
import { createServer } from 'node:http';
import { openConnection } from './http-client.mjs';

const SHAPES = [
  { method: 'GET', url: '/length' },
  { method: 'GET', url: '/chunked' },
  { method: 'POST', url: '/length', body: { hello: 'warm-up' } },
  { method: 'POST', url: '/chunked', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&b=2' },
];

/** Sends `rounds` rounds of every response shape the apps produce to an in-process server. */
export async function warmClient(rounds = 200) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/chunked') {
        res.write('{"part":1,');
        res.end('"part2":2}');
      } else {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ ok: true, url: req.url }));
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const conn = await openConnection('127.0.0.1', server.address().port);
  try {
    for (let i = 0; i < rounds; i++) {
      for (const req of SHAPES) await conn.send(req);
    }
  } finally {
    conn.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

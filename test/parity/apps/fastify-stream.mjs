/** A Fastify app that streams: a Readable reply, a file-like buffer stream and a JSON route. */
import { Readable } from 'node:stream';
import Fastify from 'fastify';

export default function build() {
  const app = Fastify();
  app.get('/stream', (_request, reply) => {
    reply.type('text/plain').send(Readable.from(['alpha\n', 'beta\n', 'gamma\n']));
  });
  app.get('/json', async () => ({ hello: 'world', list: [1, 2, 3] }));
  app.post('/echo', async (request) => ({ received: request.body }));
  return app;
}

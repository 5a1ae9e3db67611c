/**
 * A Fastify 5 app of about thirty routes with the parts that are lazy on a first request:
 * a module imported inside a handler (/report), EJS templates (/pages), JSON bodies with
 * schema validation (POST routes), response schemas, an encapsulated plugin with a prefix
 * (/api/v1) and routes with parameters.
 *
 *   tsunicorn app.js --workers 2   # the CLI serves the default export
 *   node server.js                 # the drop-in listen() form
 */
import Fastify from 'fastify';
import { createStats } from './lib/stats.js';
import { storePlugin } from './plugins/store.js';
import { apiRoutes } from './routes/api.js';
import { catalogRoutes } from './routes/catalog.js';
import { pageRoutes } from './routes/pages.js';
import { reportRoutes } from './routes/reports.js';
import { userRoutes } from './routes/users.js';

/**
 * Builds the app. Nothing runs until ready(): plugins (the store connection among them)
 * load then, which under tsunicorn happens in each worker.
 *
 * @param {{ logger?: boolean | object, log?: (line: string) => void }} [options]
 *   `logger` is Fastify's logger option; `log` receives the store's open and close lines.
 */
export function createApp({ logger = false, log = console.log } = {}) {
  const app = Fastify({ logger, keepAliveTimeout: 5000, requestTimeout: 30_000 });
  const stats = createStats();

  // Added before any plugin is registered, so every route in every plugin is counted.
  app.addHook('preHandler', stats.record);
  app.register(storePlugin, { log });

  app.get('/', async () => ({
    name: 'example-fastify',
    pid: process.pid,
    links: ['/health', '/users', '/products', '/search?q=mo', '/report', '/pages/home', '/api/v1/', '/__stats'],
  }));
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/pid', async () => ({ pid: process.pid }));
  app.get('/__stats', async () => stats.snapshot());
  app.get(
    '/slow',
    { schema: { querystring: { type: 'object', properties: { ms: { type: 'integer', minimum: 0, maximum: 10_000, default: 20 } } } } },
    async (request) => {
      await new Promise((resolve) => setTimeout(resolve, request.query.ms));
      return { sleptMs: request.query.ms, pid: process.pid };
    },
  );
  app.get(
    '/hello/:name',
    { schema: { params: { type: 'object', properties: { name: { type: 'string', maxLength: 64 } } } } },
    async (request) => ({
      hello: request.params.name,
    }),
  );
  app.post(
    '/echo',
    {
      schema: {
        body: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
        response: { 200: { type: 'object', properties: { message: { type: 'string' }, length: { type: 'integer' } } } },
      },
    },
    async (request) => ({ message: request.body.message, length: request.body.message.length }),
  );
  app.get('/text', async (_request, reply) => reply.type('text/plain; charset=utf-8').send('plain text from example-fastify\n'));
  app.get('/redirect', async (_request, reply) => reply.redirect('/'));

  app.register(userRoutes, { prefix: '/users' });
  app.register(catalogRoutes);
  app.register(reportRoutes);
  app.register(pageRoutes);
  app.register(apiRoutes, { prefix: '/api/v1' });
  return app;
}

export default createApp();

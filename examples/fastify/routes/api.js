import { error, item } from './schemas.js';

/**
 * A versioned API in an encapsulated plugin, registered with prefix /api/v1. Its decorator
 * and hooks stay inside it; the admin part adds its own prefix and an auth hook.
 */
export async function apiRoutes(app) {
  const { items } = app.store.tables;
  app.decorateRequest('apiVersion', 'v1');

  app.get('/', async (request) => ({ api: request.apiVersion, links: ['status', 'items', 'admin/metrics'] }));

  app.get('/status', async (request) => ({
    api: request.apiVersion,
    store: app.store.isOpen ? 'open' : 'closed',
    uptimeS: Math.round(process.uptime()),
  }));

  app.get('/items', { schema: { response: { 200: { type: 'array', items: item } } } }, async () => [...items.values()]);

  app.get(
    '/items/:id',
    { schema: { params: { type: 'object', properties: { id: { type: 'integer' } } }, response: { 200: item, 404: error } } },
    async (request, reply) => {
      return items.get(request.params.id) ?? reply.code(404).send({ error: `item ${request.params.id} not found` });
    },
  );

  app.post(
    '/items',
    {
      schema: {
        body: { type: 'object', properties: { title: { type: 'string', minLength: 1 } }, required: ['title'], additionalProperties: false },
        response: { 201: item },
      },
    },
    async (request, reply) => reply.code(201).send(app.store.insert('items', { title: request.body.title, done: false })),
  );

  await app.register(adminRoutes, { prefix: '/admin' });
}

/** ADMIN_TOKEN guards /api/v1/admin; the example's default lets tsunicorn.config.js warm it. */
const ADMIN_TOKEN = process.env.ADMIN_TOKEN ?? 'example-admin-token';

async function adminRoutes(app) {
  app.addHook('onRequest', async (request, reply) => {
    if (request.headers['x-admin-token'] !== ADMIN_TOKEN) return reply.code(401).send({ error: 'admin token required' });
  });

  app.get('/metrics', async () => {
    const { heapUsed, rss } = process.memoryUsage();
    return { pid: process.pid, heapUsed, rss, uptimeS: Math.round(process.uptime()) };
  });
}

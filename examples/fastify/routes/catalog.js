import { error, newOrder, order, product } from './schemas.js';

/** Products, search and orders. */
export async function catalogRoutes(app) {
  const { products, orders } = app.store.tables;

  app.get(
    '/products',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            category: { type: 'string' },
            limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
            offset: { type: 'integer', minimum: 0, default: 0 },
          },
        },
        response: { 200: { type: 'array', items: product } },
      },
    },
    async (request) => {
      const { category, limit, offset } = request.query;
      const all = [...products.values()].filter((p) => category === undefined || p.category === category);
      return all.slice(offset, offset + limit);
    },
  );

  app.get(
    '/products/:sku',
    {
      schema: {
        params: { type: 'object', properties: { sku: { type: 'string', pattern: '^[A-Z]{2}-\\d{2}$' } } },
        response: { 200: product, 404: error },
      },
    },
    async (request, reply) => {
      const found = products.get(request.params.sku);
      return found ?? reply.code(404).send({ error: `product ${request.params.sku} not found` });
    },
  );

  app.get(
    '/search',
    {
      schema: {
        querystring: { type: 'object', properties: { q: { type: 'string', default: '' } } },
        response: { 200: { type: 'object', properties: { q: { type: 'string' }, results: { type: 'array', items: product } } } },
      },
    },
    async (request) => {
      const q = request.query.q.toLowerCase();
      return { q, results: [...products.values()].filter((p) => p.name.toLowerCase().includes(q)) };
    },
  );

  app.post('/orders', { schema: { body: newOrder, response: { 201: order, 422: error } } }, async (request, reply) => {
    const lines = request.body.items;
    const unknown = lines.find((line) => !products.has(line.sku));
    if (unknown) return reply.code(422).send({ error: `unknown product ${unknown.sku}` });
    const totalCents = lines.reduce((sum, line) => sum + products.get(line.sku).priceCents * line.quantity, 0);
    // A warm-up request runs the whole handler but places no order.
    if (request.headers['x-tsunicorn-warmup'] === '1') return reply.code(201).send({ items: lines, totalCents, dryRun: true });
    return reply.code(201).send(app.store.insert('orders', { items: lines, totalCents }));
  });

  app.get(
    '/orders/:id',
    { schema: { params: { type: 'object', properties: { id: { type: 'integer' } } }, response: { 200: order, 404: error } } },
    async (request, reply) => {
      return orders.get(request.params.id) ?? reply.code(404).send({ error: `order ${request.params.id} not found` });
    },
  );
}

/**
 * A Fastify shop as users write one, with no tsunicorn config: every route has JSON schemas
 * (params, querystring, headers, body, response), some shared through `$ref`, with formats,
 * enums, bounds and patterns; one handler requires a module lazily. `GET /__calls` returns how
 * often each handler ran, so tests can see what warm-up reached.
 */
import { createRequire } from 'node:module';
import Fastify from 'fastify';

const require = createRequire(import.meta.url);
const calls = {};
const counted = (name, fn) =>
  async function handler(request, reply) {
    calls[name] = (calls[name] ?? 0) + 1;
    return fn(request, reply);
  };

const products = Array.from({ length: 20 }, (_, i) => ({
  id: i + 1,
  name: `Product ${i + 1}`,
  price: 10 + i,
  category: i % 2 ? 'books' : 'games',
}));

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1, maximum: 20 } } };
const page = {
  type: 'object',
  properties: { limit: { type: 'integer', minimum: 1, maximum: 50, default: 10 }, offset: { type: 'integer', minimum: 0 } },
};
const productReply = { 200: { $ref: 'product#' } };

export const app = Fastify();
app.addSchema({
  $id: 'product',
  type: 'object',
  required: ['id', 'name', 'price'],
  properties: {
    id: { type: 'integer' },
    name: { type: 'string', minLength: 2 },
    price: { type: 'number', exclusiveMinimum: 0 },
    category: { type: 'string', enum: ['books', 'games'] },
  },
});
app.addSchema({
  $id: 'newProduct',
  type: 'object',
  required: ['name', 'price', 'category'],
  properties: {
    name: { type: 'string', minLength: 2, maxLength: 40 },
    price: { type: 'number', exclusiveMinimum: 0 },
    category: { type: 'string', enum: ['books', 'games'] },
    tags: { type: 'array', items: { type: 'string', pattern: '^[a-z]+$' }, maxItems: 5 },
  },
  additionalProperties: false,
});

app.get(
  '/',
  counted('home', async () => ({ shop: 'fastify' })),
);
app.get(
  '/health',
  counted('health', async () => 'ok'),
);
app.get(
  '/time',
  { schema: { response: { 200: { type: 'object', properties: { now: { type: 'string', format: 'date-time' } } } } } },
  counted('time', async () => ({ now: new Date().toISOString() })),
);
app.get(
  '/products',
  { schema: { querystring: page, response: { 200: { type: 'array', items: { $ref: 'product#' } } } } },
  counted('listProducts', async (req) => products.slice(req.query.offset ?? 0, (req.query.offset ?? 0) + req.query.limit)),
);
app.get(
  '/products/:id',
  { schema: { params: idParams, response: productReply } },
  counted('getProduct', async (req) => products[req.params.id - 1]),
);
app.get(
  '/products/:id/reviews',
  {
    schema: {
      params: idParams,
      querystring: { type: 'object', properties: { sort: { type: 'string', enum: ['new', 'top'] } }, required: ['sort'] },
    },
  },
  counted('reviews', async (req) => ({ id: req.params.id, sort: req.query.sort, reviews: ['fine'] })),
);
app.get(
  '/categories',
  counted('categories', async () => ['books', 'games']),
);
app.get(
  '/categories/:slug',
  { schema: { params: { type: 'object', properties: { slug: { type: 'string', enum: ['books', 'games'] } } } } },
  counted('category', async (req) => products.filter((p) => p.category === req.params.slug)),
);
app.get(
  '/search',
  {
    schema: {
      querystring: {
        type: 'object',
        required: ['q'],
        properties: { q: { type: 'string', minLength: 3 }, page: { type: 'integer', minimum: 1 } },
      },
    },
  },
  counted('search', async (req) => ({ q: req.query.q, hits: 0 })),
);
app.get(
  '/users/:userId',
  { schema: { params: { type: 'object', properties: { userId: { type: 'string', format: 'uuid' } } } } },
  counted('getUser', async (req) => ({ id: req.params.userId, name: 'Ada' })),
);
app.get(
  '/users/:userId/orders',
  {
    schema: {
      params: { type: 'object', properties: { userId: { type: 'string', format: 'uuid' } } },
      headers: { type: 'object', required: ['x-api-key'], properties: { 'x-api-key': { type: 'string', minLength: 8 } } },
    },
  },
  counted('userOrders', async () => [{ id: 1 }]),
);
app.get(
  '/orders/:orderId',
  { schema: { params: { type: 'object', properties: { orderId: { type: 'string', pattern: '^ORD-[0-9]{4}$' } } } } },
  counted('getOrder', async (req) => ({ id: req.params.orderId })),
);
app.get(
  '/report/:year',
  { schema: { params: { type: 'object', properties: { year: { type: 'integer', minimum: 2000, maximum: 2100 } } } } },
  counted('report', async (req) => {
    const { summarise } = require('./lib/heavy.cjs');
    return summarise(req.params.year);
  }),
);
app.get(
  '/files/*',
  counted('file', async (req) => `file ${req.params['*']}`),
);
app.get(
  '/stats',
  counted('stats', async () => ({ products: products.length })),
);
app.post(
  '/products',
  { schema: { body: { $ref: 'newProduct#' }, response: { 201: { $ref: 'product#' } } } },
  counted('createProduct', async (req, reply) => reply.code(201).send({ id: 99, ...req.body })),
);
app.put(
  '/products/:id',
  { schema: { params: idParams, body: { $ref: 'newProduct#' }, response: productReply } },
  counted('replaceProduct', async (req) => ({ id: req.params.id, ...req.body })),
);
app.patch(
  '/products/:id',
  {
    schema: {
      params: idParams,
      body: { type: 'object', minProperties: 1, properties: { price: { type: 'number', minimum: 1 }, name: { type: 'string' } } },
      response: productReply,
    },
  },
  counted('updateProduct', async (req) => ({ ...products[req.params.id - 1], ...req.body })),
);
app.delete(
  '/products/:id',
  { schema: { params: idParams } },
  counted('deleteProduct', async (_req, reply) => reply.code(204).send()),
);
app.post(
  '/orders',
  {
    schema: {
      body: {
        type: 'object',
        required: ['lines', 'email'],
        properties: {
          email: { type: 'string', format: 'email' },
          lines: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['productId', 'quantity'],
              properties: { productId: { type: 'integer', minimum: 1 }, quantity: { type: 'integer', minimum: 1, maximum: 9 } },
            },
          },
          delivery: {
            oneOf: [
              { type: 'object', required: ['address'], properties: { address: { type: 'string' } } },
              { type: 'object', required: ['pickup'], properties: { pickup: { const: true } } },
            ],
          },
        },
      },
      response: { 201: { type: 'object', properties: { id: { type: 'integer' }, lines: { type: 'integer' } } } },
    },
  },
  counted('createOrder', async (req, reply) => reply.code(201).send({ id: 7, lines: req.body.lines.length })),
);
app.post(
  '/users',
  {
    schema: {
      body: {
        type: 'object',
        required: ['email', 'born'],
        properties: {
          email: { type: 'string', format: 'email' },
          born: { type: 'string', format: 'date' },
          site: { type: 'string', format: 'uri' },
        },
      },
    },
  },
  counted('createUser', async (req, reply) => reply.code(201).send({ id: 3, ...req.body })),
);
app.post(
  '/contact',
  { schema: { body: { type: 'object', required: ['message'], properties: { message: { type: 'string', minLength: 5 } } } } },
  counted('contact', async () => ({ thanks: true })),
);
app.post(
  '/cart/:cartId/items',
  {
    schema: {
      params: { type: 'object', properties: { cartId: { type: 'string', format: 'uuid' } } },
      body: {
        allOf: [
          { type: 'object', required: ['productId'], properties: { productId: { type: 'integer', minimum: 1 } } },
          { type: 'object', properties: { quantity: { type: 'integer', default: 1 } } },
        ],
      },
    },
  },
  counted('addToCart', async (req, reply) => reply.code(201).send({ cart: req.params.cartId })),
);
app.delete(
  '/cart/:cartId',
  { schema: { params: { type: 'object', properties: { cartId: { type: 'string', format: 'uuid' } } } } },
  counted('emptyCart', async (_req, reply) => reply.code(204).send()),
);
app.register(
  async (api) => {
    api.get(
      '/status',
      counted('apiStatus', async () => ({ status: 'up' })),
    );
    api.get(
      '/items',
      { schema: { querystring: page } },
      counted('apiItems', async () => products.slice(0, 5)),
    );
    api.get(
      '/items/:id',
      { schema: { params: idParams, response: productReply } },
      counted('apiItem', async (req) => products[req.params.id - 1]),
    );
    api.get(
      '/items/:id/history',
      { schema: { params: idParams } },
      counted('apiItemHistory', async (req) => ({ id: req.params.id, history: [] })),
    );
  },
  { prefix: '/api/v1' },
);
app.get('/__calls', async () => calls);

/**
 * An Express shop as users write one, with no tsunicorn config: path parameters, query
 * strings, JSON and form bodies checked by route middleware, a lazily required module.
 * `GET /__calls` returns how often each handler ran, so tests can see what warm-up reached.
 */
import { createRequire } from 'node:module';
import express from 'express';

const require = createRequire(import.meta.url);
const calls = {};
const counted = (name, fn) => (req, res, next) => {
  calls[name] = (calls[name] ?? 0) + 1;
  return fn(req, res, next);
};

const products = Array.from({ length: 20 }, (_, i) => ({
  id: i + 1,
  name: `Product ${i + 1}`,
  price: 10 + i,
  category: i % 2 ? 'books' : 'games',
}));
const find = (id) => products.find((p) => p.id === Number(id));

/** Route middleware that checks a JSON body has the given fields: a 400 before the handler otherwise. */
const requireFields =
  (...fields) =>
  (req, res, next) => {
    const missing = fields.filter((f) => req.body?.[f] === undefined);
    if (missing.length > 0) return res.status(400).json({ error: `missing ${missing.join(', ')}` });
    next();
  };

export const app = express();
app.use(express.json());
app.use(express.urlencoded({ extended: false }));

app.get(
  '/',
  counted('home', (_req, res) => res.json({ shop: 'express', routes: 30 })),
);
app.get(
  '/health',
  counted('health', (_req, res) => res.send('ok')),
);
app.get(
  '/time',
  counted('time', (_req, res) => res.json({ now: new Date().toISOString() })),
);
app.get(
  '/products',
  counted('listProducts', (req, res) => res.json(products.slice(0, Number(req.query.limit ?? 10)))),
);
app.get(
  '/products/:id',
  counted('getProduct', (req, res) => (find(req.params.id) ? res.json(find(req.params.id)) : res.status(404).json({ error: 'not found' }))),
);
app.get(
  '/products/:id/reviews',
  counted('reviews', (req, res) => res.json({ id: Number(req.params.id), reviews: ['fine', 'great'] })),
);
app.get(
  '/categories',
  counted('categories', (_req, res) => res.json(['books', 'games'])),
);
app.get(
  '/categories/:slug',
  counted('category', (req, res) => res.json(products.filter((p) => p.category === req.params.slug))),
);
app.get(
  '/search',
  counted('search', (req, res) =>
    res.json({
      q: req.query.q ?? '',
      page: Number(req.query.page ?? 1),
      hits: products.filter((p) => p.name.includes(String(req.query.q ?? ''))).length,
    }),
  ),
);
app.get(
  '/users/:userId',
  counted('getUser', (req, res) => res.json({ id: Number(req.params.userId), name: 'Ada' })),
);
app.get(
  '/users/:userId/orders',
  counted('userOrders', (req, res) => res.json([{ id: 1, userId: Number(req.params.userId) }])),
);
app.get(
  '/orders/:orderId',
  counted('getOrder', (req, res) => res.json({ id: Number(req.params.orderId), lines: 2 })),
);
app.get(
  '/report/:year',
  counted('report', (req, res) => {
    const { summarise } = require('./lib/heavy.cjs');
    res.json(summarise(Number(req.params.year)));
  }),
);
app.get(
  '/files/*path',
  counted('file', (req, res) => res.type('text/plain').send(`file ${[].concat(req.params.path).join('/')}`)),
);
app.get(
  '/stats',
  counted('stats', (_req, res) => res.json({ products: products.length })),
);
app.post(
  '/products',
  requireFields('name', 'price'),
  counted('createProduct', (req, res) => res.status(201).json({ id: 99, ...req.body })),
);
app.put(
  '/products/:id',
  requireFields('name', 'price'),
  counted('replaceProduct', (req, res) => res.json({ id: Number(req.params.id), ...req.body })),
);
app.patch(
  '/products/:id',
  counted('updateProduct', (req, res) => res.json({ ...find(req.params.id), ...req.body })),
);
app.delete(
  '/products/:id',
  counted('deleteProduct', (_req, res) => res.status(204).end()),
);
app.post(
  '/orders',
  requireFields('productId', 'quantity'),
  counted('createOrder', (req, res) => res.status(201).json({ id: 7, ...req.body })),
);
app.post(
  '/users',
  requireFields('email'),
  counted('createUser', (req, res) => res.status(201).json({ id: 3, ...req.body })),
);
app.post(
  '/contact',
  counted('contact', (req, res) => res.json({ thanks: req.body.name ?? 'you' })),
);
app.post(
  '/cart/:cartId/items',
  counted('addToCart', (req, res) => res.status(201).json({ cart: req.params.cartId, ...req.body })),
);
app.delete(
  '/cart/:cartId',
  counted('emptyCart', (_req, res) => res.status(204).end()),
);
const api = express.Router();
api.get(
  '/status',
  counted('apiStatus', (_req, res) => res.json({ status: 'up' })),
);
api.get(
  '/items',
  counted('apiItems', (_req, res) => res.json(products.slice(0, 5))),
);
api.get(
  '/items/:id',
  counted('apiItem', (req, res) => res.json(find(req.params.id) ?? {})),
);
api.get(
  '/items/:id/history',
  counted('apiItemHistory', (req, res) => res.json({ id: Number(req.params.id), history: [] })),
);
app.use('/api/v1', api);
app.get('/__calls', (_req, res) => res.json(calls));

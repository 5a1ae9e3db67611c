/**
 * An Express API documented by the openapi.yaml next to it, with no tsunicorn config. Its
 * route middleware rejects with 400 what the document does not allow, as validators do, so
 * a request guessed from parameter names alone does not get past it. The admin routes live in
 * a sub-app, which Express's router hides from discovery. `GET /__calls` returns how often
 * each handler ran.
 */
import express from 'express';

const calls = {};
const counted = (name, fn) => (req, res, next) => {
  calls[name] = (calls[name] ?? 0) + 1;
  return fn(req, res, next);
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const SKU = /^[A-Z]{3}-\d{4}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

const reject = (res, why) => res.status(400).json({ error: why });
const param = (name, test) => (req, res, next) => (test(req.params[name]) ? next() : reject(res, `bad ${name}`));
const body = (rules) => (req, res, next) => {
  for (const [field, test] of Object.entries(rules)) if (!test(req.body?.[field])) return reject(res, `bad ${field}`);
  next();
};
const int = (min, max) => (v) => Number.isInteger(v) && v >= min && v <= max;
const str = (re) => (v) => typeof v === 'string' && re.test(v);

export const app = express();
app.use(express.json());

app.get(
  '/health',
  counted('health', (_req, res) => res.send('ok')),
);
app.get(
  '/products',
  counted('listProducts', (req, res) => res.json({ limit: Number(req.query.limit ?? 10), items: [] })),
);
app.get(
  '/products/:sku',
  param('sku', (v) => SKU.test(v)),
  counted('getProduct', (req, res) => res.json({ sku: req.params.sku, price: 12 })),
);
app.get(
  '/search',
  (req, res, next) => (typeof req.query.q === 'string' && req.query.q.length >= 2 ? next() : reject(res, 'q is required')),
  (req, res, next) => (req.get('x-api-version') === '2' ? next() : reject(res, 'x-api-version: 2 is required')),
  counted('search', (req, res) => res.json({ q: req.query.q, hits: 0 })),
);
app.get(
  '/accounts/:accountId',
  param('accountId', (v) => UUID.test(v)),
  counted('getAccount', (req, res) => res.json({ id: req.params.accountId, plan: 'pro' })),
);
app.get(
  '/accounts/:accountId/invoices/:year',
  param('accountId', (v) => UUID.test(v)),
  param('year', (v) => /^20\d\d$/.test(v)),
  counted('invoices', (req, res) => res.json({ id: req.params.accountId, year: Number(req.params.year), invoices: [] })),
);
app.post(
  '/orders',
  body({ sku: str(SKU), quantity: int(1, 10), email: str(EMAIL) }),
  counted('createOrder', (req, res) => res.status(201).json({ id: 1, ...req.body })),
);
app.put(
  '/accounts/:accountId',
  param('accountId', (v) => UUID.test(v)),
  body({ plan: (v) => ['free', 'pro', 'team'].includes(v) }),
  counted('updateAccount', (req, res) => res.json({ id: req.params.accountId, ...req.body })),
);
app.delete(
  '/orders/:orderId',
  param('orderId', (v) => /^\d+$/.test(v)),
  counted('cancelOrder', (_req, res) => res.status(204).end()),
);

const admin = express();
admin.get(
  '/stats',
  counted('adminStats', (_req, res) => res.json({ orders: 0 })),
);
admin.get(
  '/users/:userId',
  param('userId', (v) => UUID.test(v)),
  counted('adminUser', (req, res) => res.json({ id: req.params.userId })),
);
app.use('/admin', admin);

app.get('/__calls', (_req, res) => res.json(calls));

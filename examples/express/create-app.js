/**
 * The example Express 5 app: about thirty routes with the parts Express loads lazily — a
 * module imported inside a handler, an EJS view, JSON and form bodies, a mounted router with
 * a router inside it, and path parameters. `GET /__stats` shows this process's counters.
 */
import { fileURLToPath } from 'node:url';
import express from 'express';
import { countRequests, isWarmup, snapshot } from './lib/stats.js';
import { createApiRouter } from './routes/api.js';

/** Builds a new app. Nothing here opens a connection or starts a timer. */
export function createApp() {
  const app = express();
  const cache = new Map();
  const startedAt = new Date().toISOString();

  app.set('views', fileURLToPath(new URL('./views', import.meta.url)));
  app.set('view engine', 'ejs');
  app.use(countRequests);
  app.use(express.urlencoded({ limit: '20kb' }));

  app.get('/', (_req, res) => {
    res.json({ app: 'example-express', see: ['/page', '/report', '/api', '/__stats'] });
  });

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/time', (_req, res) => {
    res.json({ now: new Date().toISOString(), uptime: process.uptime() });
  });

  app.get('/hello/:name', (req, res) => {
    res.type('text').send(`Hello, ${req.params.name}!`);
  });

  app.get('/headers', (req, res) => {
    res.json(req.headers);
  });

  app.get('/query', (req, res) => {
    res.json(req.query);
  });

  app.get('/redirect', (_req, res) => {
    res.redirect('/');
  });

  app.get('/robots.txt', (_req, res) => {
    res.type('text').send('User-agent: *\nDisallow: /api/admin\n');
  });

  app.get('/page', (_req, res) => {
    res.render('page', { title: 'Welcome', items: ['fast', 'warm', 'pre-forked'], pid: process.pid });
  });

  app.get('/page/:title', (req, res) => {
    res.render('page', { title: req.params.title, items: [], pid: process.pid });
  });

  app.get('/contact', (_req, res) => {
    res.render('contact', { sent: null, errors: [] });
  });

  app.post('/contact', (req, res) => {
    const { name = '', message = '' } = req.body ?? {};
    const errors = [];
    if (name.trim() === '') errors.push('Please give your name.');
    if (message.trim().length < 5) errors.push('The message needs at least 5 characters.');
    res.status(errors.length ? 400 : 200).render('contact', { sent: errors.length ? null : name.trim(), errors });
  });

  // The JSON parser of this one route is not middleware of the app: warm-up reaches it only
  // through the request tsunicorn.config.js lists for it.
  app.post('/echo', express.json(), (req, res) => {
    res.json({ received: req.body, warmup: isWarmup(req) });
  });

  app.get('/report', async (_req, res) => {
    const { buildReport } = await import('./lib/report.js');
    res.json(cached(cache, 'report:all', () => buildReport()));
  });

  app.get('/report/:year', async (req, res) => {
    const { buildReport, years } = await import('./lib/report.js');
    const year = Number(req.params.year);
    if (!years.includes(year)) return res.status(404).json({ error: `no data for ${req.params.year}`, years });
    res.json(cached(cache, `report:${year}`, () => buildReport({ year })));
  });

  app.get('/__stats', (_req, res) => {
    res.json(snapshot());
  });

  app.use('/api', createApiRouter({ cache, startedAt }));

  app.use((req, res) => {
    res.status(404).json({ error: `no route for ${req.method} ${req.path}` });
  });

  // Bad bodies (invalid JSON, too large) answer 4xx without a stack trace in the log.
  app.use((err, _req, res, _next) => {
    const status = err.status ?? err.statusCode ?? 500;
    if (status >= 500) console.error(err);
    res.status(status).json({ error: status < 500 && err.expose ? err.message : 'internal error' });
  });

  return app;
}

function cached(cache, key, compute) {
  if (!cache.has(key)) cache.set(key, compute());
  return cache.get(key);
}

/** The monorepo example's API: greetings from the sibling package `example-monorepo-greeting`. */

import { greet, localeFrom, locales } from 'example-monorepo-greeting';
import express from 'express';

/** Builds the app; called in each worker. */
export function createApp() {
  const app = express();
  app.use(express.json());

  app.get('/', (_req, res) => {
    res.json({ app: 'example-monorepo-api', try: ['/greet/Ada', '/greet/Ada?locale=fr', '/locales'] });
  });

  app.get('/locales', (_req, res) => {
    res.json(locales);
  });

  app.get('/greet/:name', (req, res) => {
    const locale = typeof req.query.locale === 'string' ? req.query.locale : localeFrom(req.get('accept-language'));
    res.json({ greeting: greet(req.params.name, locale), locale, pid: process.pid });
  });

  app.post('/greetings', (req, res) => {
    const { name, locale } = req.body ?? {};
    if (typeof name !== 'string' || name.trim() === '') return res.status(400).json({ error: 'name must be a non-empty string' });
    res.status(201).json({ greeting: greet(name, locale) });
  });

  return app;
}

/** Routes under /api/admin: a router mounted inside a mounted router. */
import { Router } from 'express';
import { isWarmup } from '../lib/stats.js';

/** Builds the admin router; `cache` is the app's response cache. */
export function createAdminRouter({ cache, startedAt }) {
  const admin = Router();

  admin.get('/config', (req, res) => {
    res.json({ env: req.app.get('env'), viewCache: req.app.enabled('view cache'), startedAt });
  });

  admin.get('/cache', (_req, res) => {
    res.json({ entries: cache.size, keys: [...cache.keys()] });
  });

  // A POST without parameters and with side effects: neither route discovery (GET only) nor
  // the body-parser warm-up (which posts to a path no route declares) ever calls it.
  admin.post('/cache/clear', (req, res) => {
    if (!isWarmup(req)) cache.clear();
    res.json({ cleared: true });
  });

  return admin;
}

/**
 * The drop-in form: `await app.listen({ port: 3000 })` becomes `listen(...)`. This script
 * runs in the tsunicorn master and again in every worker; the factory builds the app (and
 * opens its store) only in the workers.
 *
 *   node server.js
 */
import { listen } from '@tsunicorn/fastify';
import { createApp } from './app.js';

await listen(() => createApp(), {
  bind: [process.env.BIND ?? '127.0.0.1:3000'],
  workers: 2,
});

/**
 * The drop-in form. Where main.ts used to say `await app.listen(3000)`, it hands the factory
 * to tsunicorn. This file runs in the master too, so the app is built only inside the
 * factory, which runs in each worker.
 *
 *   node dist/main.js
 */
import { listen } from '@tsunicorn/nest';
import { createApp, lazyModules } from './app.js';

await listen(createApp, {
  bind: [process.env.BIND ?? '127.0.0.1:3000'],
  workers: Number(process.env.WORKERS ?? 2),
  lazyModules,
});

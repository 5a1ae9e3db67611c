/**
 * `node server.js`: this script is tsunicorn's master and, run again, each worker. Only the
 * workers call the factory.
 */
import { listen } from '@tsunicorn/express';
import { createApp } from './create-app.js';

listen(() => createApp(), {
  workers: 2,
  // PORT in the environment binds 0.0.0.0:$PORT instead.
  bind: ['127.0.0.1:8000'],
  warmupRequests: ['/greet/warm-up', { method: 'POST', url: '/greetings', body: { name: 'warm-up' }, expectStatus: 201 }],
});

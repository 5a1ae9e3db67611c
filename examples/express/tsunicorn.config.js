/**
 * Read by both `tsunicorn app.js` and `node server.js` when started from this directory.
 * Routes without parameters are discovered and warmed by themselves; this file adds the ones
 * discovery cannot fill in: routes with parameters, and bodies for POST routes.
 */
import { defineConfig } from '@tsunicorn/core';

export default defineConfig({
  warmupRequests: [
    // Routes with path parameters.
    '/hello/warm-up',
    '/page/Warm-up',
    '/report/2026',
    '/api/users/1',
    '/api/users/1/posts',
    '/api/posts/1',
    // POST routes with valid bodies. The handlers see the x-tsunicorn-warmup header and
    // store nothing; invalid bodies would warm only the validation error path.
    { method: 'POST', url: '/api/users', body: { name: 'Warm Up', email: 'warm-up@example.com' }, expectStatus: 201 },
    { method: 'POST', url: '/api/posts', body: { userId: 1, title: 'Warm-up', tags: ['warm-up'] }, expectStatus: 201 },
    { method: 'POST', url: '/echo', body: { hello: 'warm-up' }, expectStatus: 200 },
    {
      method: 'POST',
      url: '/contact',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=Warm+Up&message=Hello+from+warm-up',
      expectStatus: 200,
    },
  ],
  adapterOptions: {
    // Rendered once in each worker before traffic: loads EJS and its include() path.
    views: [{ name: 'contact', locals: { sent: null, errors: [] } }],
  },
});

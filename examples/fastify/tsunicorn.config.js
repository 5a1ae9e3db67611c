/**
 * tsunicorn's settings for this example, read by `tsunicorn app.js` and by `node server.js`
 * alike (a config file ranks above the options given to listen()). The routes tsunicorn
 * discovers by itself are the GET and HEAD ones without parameters; these warm the rest:
 * parameterised routes, JSON bodies and the admin route behind its token.
 */
export default {
  warmupHits: 3,
  warmupRequests: [
    '/hello/warmup',
    '/users/1',
    '/products/KB-01',
    '/orders/1',
    '/report/2024',
    '/report/2024/csv',
    '/pages/users/1',
    '/api/v1/items/1',
    { url: '/api/v1/admin/metrics', headers: { 'x-admin-token': process.env.ADMIN_TOKEN ?? 'example-admin-token' } },
    { method: 'POST', url: '/echo', body: { message: 'warm-up' }, expectStatus: 200 },
    // The handler sees the x-tsunicorn-warmup header and places no order.
    { method: 'POST', url: '/orders', body: { items: [{ sku: 'KB-01', quantity: 1 }] }, expectStatus: 201 },
    // An invalid body warms the validator and the 400 path without creating a user.
    { method: 'POST', url: '/users', body: { name: '' }, expectStatus: 400 },
    { method: 'POST', url: '/api/v1/items', body: {}, expectStatus: 400 },
  ],
};

/**
 * Read by `tsunicorn dist/app.js:createApp` (and the other start scripts) from this directory.
 * Routes without parameters are discovered and warmed by themselves; this adds what discovery
 * cannot fill in: routes with parameters and bodies that pass validation, so the valid path of
 * each DTO (class-transformer, every validator, the handler) is warm too. Handlers that write
 * see the x-tsunicorn-warmup header and store nothing. Paths carry the global prefix (`api`)
 * and the catalog's URI version (`v2`) that createApp() sets.
 */
import { loadPricingModule } from './dist/pricing/load.js';

export default {
  warmupRequests: [
    '/api/users/1',
    '/api/v2/catalog/products/b-1',
    '/api/v2/catalog/products/b-1/reviews',
    '/api/quotes/b-1',
    '/api/reports/2026-01-01',
    { method: 'POST', url: '/api/users', body: { name: 'Warm Up', email: 'warm-up@example.com', age: 45 }, expectStatus: 201 },
    { method: 'PATCH', url: '/api/users/2', body: { age: 55 }, expectStatus: 200 },
    { method: 'POST', url: '/api/orders', body: { userId: 1, items: [{ sku: 'b-1', quantity: 2 }] }, expectStatus: 201 },
    { method: 'POST', url: '/api/v2/catalog/search', body: { q: 'the', category: 'books', limit: 5 }, expectStatus: 200 },
  ],
  // The module the app loads through LazyModuleLoader, built at boot instead of on first use.
  adapterOptions: { lazyModules: [loadPricingModule] },
};

import { openStore } from '../lib/store.js';

/**
 * Opens the store when the app boots (inside `ready()`, so in a tsunicorn worker, never in
 * the master) and closes it in an onClose hook, which tsunicorn runs on graceful stop after
 * the worker's connections have drained.
 */
export async function storePlugin(app, { log }) {
  const store = await openStore();
  log(`[example-fastify] pid ${process.pid}: store opened`);
  app.decorate('store', store);
  app.addHook('onClose', async () => {
    await store.close();
    log(`[example-fastify] pid ${process.pid}: onClose, store closed`);
  });
}

// Share the decorator with the whole app instead of encapsulating it (what fastify-plugin does).
storePlugin[Symbol.for('skip-override')] = true;

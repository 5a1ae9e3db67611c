/** Baseline for Fastify: the app module's Fastify instance, `await app.listen({ port, host })` in each cluster worker. */
import { HOST, runCluster } from './cluster.mjs';

await runCluster(async (exported) => {
  const app = typeof exported === 'function' ? await exported() : exported;
  await app.listen({ port: 0, host: HOST });
});

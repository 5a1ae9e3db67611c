/** Baseline for Express: the app module's Express app, `app.listen(port, host)` in each cluster worker. */
import { HOST, runCluster } from './cluster.mjs';

await runCluster(async (exported) => {
  const app = isExpressApp(exported) ? exported : await exported();
  await new Promise((resolve, reject) => {
    const server = app.listen(0, HOST, (err) => (err ? reject(err) : resolve()));
    server.once('error', reject);
  });
});

function isExpressApp(value) {
  return typeof value === 'function' && typeof value.handle === 'function' && typeof value.listen === 'function';
}

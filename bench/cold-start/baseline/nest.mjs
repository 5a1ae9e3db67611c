/**
 * Baseline for NestJS: in each cluster worker, the app as its own main.ts would build it,
 * then `await app.listen(port, host)`. The export is either a factory returning the
 * configured INestApplication (the example's createApp) or the root module, which is passed
 * to NestFactory.create as a bare main.ts does.
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HOST, runCluster } from './cluster.mjs';

await runCluster(async (exported) => {
  const app = isModuleClass(exported) ? await createFromModule(exported) : await exported();
  await app.listen(0, HOST);
});

/** A Nest module is a class carrying @Module metadata; a factory is a plain function. */
function isModuleClass(value) {
  return typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value));
}

async function createFromModule(AppModule) {
  // @nestjs/core resolved from the app's directory, the copy the app itself uses.
  const require = createRequire(resolve('package.json'));
  const { NestFactory } = await import(pathToFileURL(require.resolve('@nestjs/core')).href);
  return NestFactory.create(AppModule, { logger: ['error', 'warn'] });
}

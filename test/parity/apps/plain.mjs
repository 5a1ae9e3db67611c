/**
 * Serves an app module the way its author would without tsunicorn: the framework's own
 * listen(). Usage: node plain.mjs APP_FILE HOST:PORT | unix:PATH. Prints "LISTENING PORT" (or the
 * socket path) when ready; port 0 picks a free port.
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [file, bind] = process.argv.slice(2);
const path = resolve(file);
const mod = path.endsWith('.cjs') ? { default: createRequire(import.meta.url)(path) } : await import(pathToFileURL(path).href);
const app = mod.default;
const target = bind.startsWith('unix:') ? { path: bind.slice(5) } : hostPort(bind);

function hostPort(text) {
  const at = text.lastIndexOf(':');
  return { host: text.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(text.slice(at + 1)) };
}

async function serve() {
  if (app instanceof http.Server) return listen(app);
  if (typeof app === 'function' && typeof app.handle === 'function' && typeof app.set === 'function') {
    return listen(http.createServer(app)); // what express's app.listen() does
  }
  if (typeof app === 'function' && ['imports', 'controllers', 'providers'].some((key) => Reflect.getMetadata?.(key, app) !== undefined)) {
    const { NestFactory } = await import('@nestjs/core');
    const nest = await NestFactory.create(app, { logger: false });
    await nest.listen(target.path ?? target.port, target.host);
    return nest.getHttpServer();
  }
  if (typeof app === 'function' && app.length === 0) {
    const fastify = await app();
    await fastify.listen(target.path ? { path: target.path } : { host: target.host, port: target.port });
    return fastify.server;
  }
  return listen(http.createServer(app));
}

function listen(server) {
  return new Promise((done) => server.listen(target, () => done(server)));
}

const server = await serve();
const address = server.address();
console.log(`LISTENING ${typeof address === 'string' ? address : address.port}`);

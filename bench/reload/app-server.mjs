/**
 * Serves the benchmark's app the way a plain Node deployment does — `http.createServer(app)`
 * and `listen(port)`, which is what Express's `app.listen()` does — for the PM2 and node:cluster
 * contenders. The app module's default export must be a request listener (an Express app is one).
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Imports the app module and returns its default export, checked to be a request listener. */
export async function loadListener(appPath) {
  const mod = await import(pathToFileURL(resolve(appPath)).href);
  const listener = mod.default ?? mod.app;
  if (typeof listener !== 'function') {
    throw new Error(`${appPath}: the default export must be a request listener such as an Express app, got ${typeof listener}`);
  }
  return listener;
}

/** Imports the app and listens on 127.0.0.1:port; resolves once listening. */
export async function listenApp(appPath, port) {
  const server = createServer(await loadListener(appPath));
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

/** The app path and port the contender scripts receive from their parent. */
export function appEnvironment() {
  const appPath = process.env.BENCH_APP;
  const port = Number(process.env.BENCH_PORT);
  if (!appPath || !Number.isInteger(port)) throw new Error('BENCH_APP and BENCH_PORT must be set');
  return { appPath, port };
}

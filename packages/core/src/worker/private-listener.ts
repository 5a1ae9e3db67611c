/**
 * The worker's private warm-up listener on the app's own server. It must leave no trace the
 * app can see once the worker serves: plain listen() emits the server's 'close' only when the
 * server stops, and an app may release its resources then (`server.on('close', () => db.end())`).
 */
import { once } from 'node:events';
import type { Server as HttpServer } from 'node:http';
import { Server as NetServer } from 'node:net';
import { ownListen } from './app-listen.js';

/** What net.Server keeps for an open listener (lib/net.js). */
interface ListeningServer extends NetServer {
  _handle: { close(): void } | null;
}

/** Listens on an ephemeral 127.0.0.1 port for warm-up requests. */
export function listenPrivately(server: NetServer): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    ownListen(() =>
      server.listen({ port: 0, host: '127.0.0.1' }, () => {
        server.off('error', reject);
        resolve();
      }),
    );
  });
}

/**
 * Closes the warm-up listener and the warm-up connections without emitting 'close': the
 * server stays the app's, and serves the connections the master hands over. Not
 * http.Server#close either, which would also stop the timer that enforces the headers and
 * request timeouts on those connections.
 */
export function closePrivately(server: HttpServer): void {
  server.closeAllConnections();
  const listening = server as unknown as ListeningServer;
  listening._handle?.close();
  listening._handle = null;
}

/**
 * At the end of a drain, emits the server's 'close' as plain listen() would when the server
 * stops, unless the app's own close (Fastify's, Nest's) has closed it already.
 */
export async function announceClose(server: HttpServer, alreadyClosed: boolean): Promise<void> {
  if (alreadyClosed) return;
  const closed = once(server, 'close');
  NetServer.prototype.close.call(server);
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
}

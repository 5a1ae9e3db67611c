/**
 * The worker's private warm-up listener on the app's own server. It must leave no trace the
 * app can see once the worker serves: plain listen() emits the server's 'close' only when the
 * server stops, and an app may release its resources then (`server.on('close', () => db.end())`).
 */
import type { Server as HttpServer } from 'node:http';
import type { Server as NetServer } from 'node:net';
import { ownListen } from './app-listen.js';

/** What net.Server keeps for an open listener (lib/net.js). */
interface ListeningServer extends NetServer {
  _handle: (Record<symbol, unknown> & { close(): void; onconnection?: unknown }) | null;
}

/**
 * Node's own accept path for a server, taken from its private listener before that closes:
 * net's `onconnection`, and the symbol by which it finds the server from the listener.
 */
export interface AcceptPath {
  readonly onconnection: (this: object, err: number, connection: unknown) => void;
  readonly ownerSymbol: symbol;
}

const acceptPaths = new WeakMap<NetServer, AcceptPath>();

/** The accept path `closePrivately` took from the server, or null on a Node that lacks it. */
export function acceptPathOf(server: NetServer): AcceptPath | null {
  return acceptPaths.get(server) ?? null;
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
  const handle = listening._handle;
  const ownerSymbol = handle && Object.getOwnPropertySymbols(handle).find((s) => s.description === 'owner_symbol');
  if (handle && ownerSymbol && typeof handle.onconnection === 'function') {
    acceptPaths.set(server, { onconnection: handle.onconnection as AcceptPath['onconnection'], ownerSymbol });
  }
  handle?.close();
  listening._handle = null;
}

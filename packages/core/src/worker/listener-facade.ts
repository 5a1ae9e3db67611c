/**
 * The worker's stand-in for the listening socket the master owns. Once warm, the app's server
 * gets a listener handle of ours in place of its private one, so that it looks and behaves as
 * a server listening on the bind address: `server.listening` is true, `server.address()` is
 * the bind's, and a connection the master hands over enters through Node's own accept path
 * (`onconnection` in lib/net.js, the function node:cluster's workers call for theirs). So it
 * gets exactly what a connection the server accepted itself would: noDelay, keep-alive,
 * half-open, buffer sizes, maxConnections and 'drop', blockList, the connection count and the
 * 'connection' listeners. `server.close()` — the app's, its framework's, or the drain's —
 * closes our handle, and Node emits 'close' once the connections have ended, as it would.
 */
import { Server as NetServer, Socket } from 'node:net';
import type { ConnectionHandle } from '../protocol/messages.js';
import type { BindAddress } from '../settings/bind.js';
import { adoptConnection } from './connection.js';
import { type AcceptPath, acceptPathOf } from './private-listener.js';

/** getsockname()'s answer, as `server.address()` returns it. */
type SockName = { address: string; family: string; port: number };

interface ServerInternals {
  _handle: object | null;
  _pipeName?: string;
}

/** Serves handed-over connections on the app's server; see the file comment. */
export interface Listener {
  /** A connection from the master, as libuv's handle. */
  accept(connection: ConnectionHandle): void;
  /** Closes the server as server.close() would, unless it is closed already; resolves on 'close' (at most 1 s). */
  close(): Promise<void>;
}

/**
 * Puts the listener in place on a server whose private listener `closePrivately` closed.
 * `onAppClose` runs when something other than `close()` closes the server (the app itself).
 * Where this Node's net.Server lacks the accept path relied on, connections are adopted by
 * hand instead (connection.ts).
 */
export function installListener(server: NetServer, bound: BindAddress | undefined, onAppClose: () => void): Listener {
  const path = acceptPathOf(server);
  return path ? new ListenerFacade(server, path, bound, onAppClose) : new AdoptingListener(server);
}

class ListenerFacade implements Listener {
  private readonly handle: object;
  private closed = false;
  private closing = false;

  constructor(
    private readonly server: NetServer,
    private readonly path: AcceptPath,
    bound: BindAddress | undefined,
    onAppClose: () => void,
  ) {
    this.handle = {
      [path.ownerSymbol]: server,
      close: () => {
        this.closed = true;
        if (!this.closing) onAppClose();
      },
      ref() {},
      unref() {},
      ...(bound?.kind === 'tcp' ? { getsockname: (out: SockName) => fillSockName(out, bound) } : {}),
    };
    const internals = server as unknown as ServerInternals;
    internals._handle = this.handle;
    if (bound?.kind === 'unix') internals._pipeName = bound.path;
  }

  accept(connection: ConnectionHandle): void {
    this.path.onconnection.call(this.handle, 0, connection);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closing = true;
    await closeAndWait(this.server);
  }
}

/** For a Node whose net.Server has no accept path to borrow: connections adopted by hand. */
class AdoptingListener implements Listener {
  private closed = false;

  constructor(private readonly server: NetServer) {
    server.once('close', () => {
      this.closed = true;
    });
  }

  accept(connection: ConnectionHandle): void {
    // `handle` is how child_process itself wraps a received handle; it is not in the public types.
    adoptConnection(
      this.server,
      new Socket({ handle: connection, readable: true, writable: true } as ConstructorParameters<typeof Socket>[0]),
    );
  }

  async close(): Promise<void> {
    if (!this.closed) await closeAndWait(this.server);
  }
}

async function closeAndWait(server: NetServer): Promise<void> {
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
  NetServer.prototype.close.call(server);
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
}

function fillSockName(out: SockName, bound: Extract<BindAddress, { kind: 'tcp' }>): number {
  out.address = bound.host;
  out.family = bound.host.includes(':') ? 'IPv6' : 'IPv4';
  out.port = bound.port;
  return 0;
}

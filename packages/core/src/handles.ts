/**
 * libuv handles, used where tsunicorn passes connections on without building a socket for
 * them: the master's listeners, a worker's own listeners (dispatch shared and reuseport), and
 * @tsunicorn/core/testing's.
 */
import type { Server } from 'node:net';

/** A connection as libuv accepted it: a TCP or pipe handle. */
export interface ConnectionHandle {
  close(callback?: () => void): void;
}

/** A listening socket's handle: what net.Server keeps in `_handle`. */
export interface ListeningHandle {
  readonly fd?: number;
  onconnection: (err: number, connection?: ConnectionHandle) => void;
  /** Starts accepting (uv_listen); returns 0 or a negative errno. */
  listen(backlog: number): number;
  close(callback?: () => void): void;
}

/**
 * Replaces net's accept callback on a listening server with one that passes each connection
 * on as libuv's handle, as node:cluster's round-robin primary does: building a net.Socket for
 * a connection that is only forwarded costs throughput on connection-per-request traffic
 * (`pnpm bench throughput`). Accept errors (EMFILE…) are transient: libuv keeps listening.
 */
export function takeConnections(server: Server, onConnection: (connection: ConnectionHandle) => void): void {
  const listener = (server as unknown as { _handle: ListeningHandle | null })._handle;
  if (!listener) throw new Error('a listening server has no handle');
  acceptOn(listener, onConnection);
}

/** Sets what a listening handle does with each connection it accepts. */
export function acceptOn(listener: ListeningHandle, onConnection: (connection: ConnectionHandle) => void): void {
  listener.onconnection = (err, connection) => {
    if (err === 0 && connection) onConnection(connection);
  };
}

/**
 * Adopting a connection the master handed over. Node's own accept path (`onconnection` in
 * lib/net.js, the same on Node 20 and 24) applies the server's options to every socket before
 * it emits 'connection'; a socket that arrives over IPC was built by child_process with none of
 * them, so without this a handed-over connection would, for one, run with Nagle's algorithm on
 * (`http.createServer` sets `noDelay`), and a response written in two pieces would wait on the
 * client's delayed ACK for ~40 ms.
 */
import { channel } from 'node:diagnostics_channel';
import { type BlockList, isIP, type Server, type Socket } from 'node:net';

/** What net.Server keeps of its options, read by its accept path (lib/net.js). */
interface AcceptingServer extends Server {
  readonly allowHalfOpen: boolean;
  readonly pauseOnConnect: boolean;
  readonly noDelay: boolean;
  readonly keepAlive: boolean;
  /** In seconds: net.Server stores `~~(options.keepAliveInitialDelay / 1000)`. */
  readonly keepAliveInitialDelay: number;
  readonly highWaterMark: number;
  readonly blockList?: BlockList;
  /** The count behind getConnections() and maxConnections. */
  _connections: number;
}

/** The stream state a socket's buffering limits live in, fixed at construction elsewhere. */
interface StreamStates {
  readonly _readableState: { highWaterMark: number };
  readonly _writableState: { highWaterMark: number };
}

/** Subscribers (APM agents, diagnostics) see our connections as they see Node's. */
const serverSocketChannel = channel('net.server.socket');

/**
 * Gives `socket` what `server`'s own accept path would have given it, then emits 'connection'
 * on the server (the HTTP parser and the app's own 'connection' listeners attach there).
 * A connection over `maxConnections` is dropped with a 'drop' event, and one from an address
 * in the server's `blockList` is closed, as Node does.
 */
export function adoptConnection(server: Server, socket: Socket): void {
  const accepting = server as AcceptingServer;
  if (accepting.maxConnections != null && accepting._connections >= accepting.maxConnections) {
    dropConnection(accepting, socket);
    return;
  }
  if (isBlocked(accepting, socket)) {
    socket.destroy();
    return;
  }
  applyServerOptions(accepting, socket);
  countConnection(accepting, socket);
  accepting.emit('connection', socket);
  if (serverSocketChannel.hasSubscribers) serverSocketChannel.publish({ socket });
}

function applyServerOptions(server: AcceptingServer, socket: Socket): void {
  socket.allowHalfOpen = server.allowHalfOpen;
  setHighWaterMark(socket, server.highWaterMark);
  if (server.noDelay) socket.setNoDelay(true);
  if (server.keepAlive) socket.setKeepAlive(true, server.keepAliveInitialDelay * 1000);
  if (server.pauseOnConnect) socket.pause();
}

/**
 * Node sets the buffering limits when it builds the socket; this one was built by
 * child_process with the defaults, so a server that asked for others gets them here.
 */
function setHighWaterMark(socket: Socket, highWaterMark: number): void {
  if (socket.readableHighWaterMark === highWaterMark && socket.writableHighWaterMark === highWaterMark) return;
  const states = socket as unknown as StreamStates;
  states._readableState.highWaterMark = highWaterMark;
  states._writableState.highWaterMark = highWaterMark;
}

/**
 * Counted as Node counts its own, but released on 'close' rather than through
 * `socket._server`: through that, the server (whose listener closed after warm-up) would emit
 * 'close' every time its connection count reached zero.
 */
function countConnection(server: AcceptingServer, socket: Socket): void {
  server._connections++;
  socket.once('close', () => {
    server._connections--;
  });
}

function isBlocked(server: AcceptingServer, socket: Socket): boolean {
  const address = socket.remoteAddress;
  if (!server.blockList || address === undefined) return false;
  const family = isIP(address);
  return family !== 0 && server.blockList.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

function dropConnection(server: AcceptingServer, socket: Socket): void {
  server.emit('drop', {
    localAddress: socket.localAddress,
    localPort: socket.localPort,
    localFamily: socket.localFamily,
    remoteAddress: socket.remoteAddress,
    remotePort: socket.remotePort,
    remoteFamily: socket.remoteFamily,
  });
  socket.destroy();
}

import { existsSync, linkSync, renameSync, unlinkSync } from 'node:fs';
import { connect, createServer, type ListenOptions, type Server } from 'node:net';
import { TsuError } from '../errors.js';
import { type ConnectionHandle, type ListeningHandle, takeConnections } from '../handles.js';
import { LISTEN_FDS_ENV } from '../protocol/handover.js';
import type { BindAddress } from '../settings/bind.js';
import { takeActivatedFds } from './systemd.js';

/**
 * The master's listening sockets. The master binds them once, at start (or adopts those a
 * previous master passed down), takes each connection as libuv accepted it — a handle, with no
 * JavaScript socket built around it — and passes it on (to the dispatcher, which hands it to
 * a warm worker). The sockets stay open through every reload and restart.
 */
/** One bound address: the server that polls it, or — once workers accept on it — a handle that does not. */
interface Bound {
  readonly address: BindAddress;
  server: Server | null;
  parked: ListeningHandle | null;
}

export class Listeners {
  private readonly bound: Bound[] = [];

  constructor(private readonly accept: (connection: ConnectionHandle) => void) {}

  /**
   * Binds every address, or throws TSU_ERR_BIND naming the first that fails (and closes the
   * rest). With `reusePort`, each socket lets workers bind their own on the same address.
   */
  async bind(addresses: readonly BindAddress[], backlog: number, reusePort = false): Promise<void> {
    // A previous master's sockets (USR2) first, then systemd's (socket activation).
    const inherited = takeInheritedFds();
    const activated = takeActivatedFds();
    if (inherited.length > 0) return this.adopt(inherited, addresses);
    if (activated.length > 0) return this.adopt(activated, addresses);
    for (const address of addresses) {
      try {
        this.add(await listen(address, backlog, reusePort, (connection) => this.accept(connection)));
      } catch (err) {
        this.close();
        throw bindError(address, err as NodeJS.ErrnoException);
      }
    }
  }

  /** Listens on sockets a previous master passed down (USR2) instead of binding again. */
  private async adopt(fds: readonly number[], configured: readonly BindAddress[]): Promise<void> {
    for (const [i, fd] of fds.entries()) {
      try {
        this.add(await listenOn({ fd }, (connection) => this.accept(connection)), configured[i]);
      } catch (err) {
        this.close();
        throw new TsuError(
          'TSU_ERR_BIND',
          `the listening socket passed down as fd ${fd} cannot be used (${(err as NodeJS.ErrnoException).code ?? err})`,
          { cause: err },
        );
      }
    }
  }

  /**
   * A server listening on a descriptor it did not bind has no Unix socket path to report
   * (Node's address() returns the path given to listen()): it takes the configured one.
   */
  private add(server: Server, configured?: BindAddress): void {
    const address = addressOf(server);
    const unnamed = address.kind === 'unix' && !address.path;
    this.bound.push({ address: unnamed && configured?.kind === 'unix' ? configured : address, server, parked: null });
  }

  /** How many sockets are bound. */
  get count(): number {
    return this.bound.length;
  }

  /** The handle of socket `index`, to send to a worker that accepts on it itself. */
  handle(index: number): ListeningHandle | null {
    const b = this.bound[index];
    return b ? (b.parked ?? handleOf(b.server)) : null;
  }

  /** Whether the master still polls socket `index` (no worker has handed a copy back yet). */
  polls(index: number): boolean {
    return this.bound[index]?.server !== null;
  }

  /**
   * Workers accept on socket `index` now: the master keeps `copy` — a descriptor of the same
   * socket that a worker handed back, which no event loop polls — and closes the one it polled,
   * so that it stops taking the connections. The socket stays open, listening, and its queue
   * holds connections while no worker accepts (during a restart), as gunicorn's arbiter does.
   */
  park(index: number, copy: ListeningHandle): void {
    const b = this.bound[index];
    if (!b || b.parked) return void copy.close();
    b.parked = copy;
    if (b.server) closeKeepingPath(b.server, b.address);
    b.server = null;
  }

  /**
   * File descriptors of the listening sockets, to pass to a new master on USR2. Node has no
   * public accessor; `_handle.fd` is the libuv handle's descriptor on Unix.
   */
  fds(): number[] {
    return this.bound.map((_, i) => this.handle(i)?.fd ?? -1).filter((fd) => fd >= 0);
  }

  /** The bound addresses, with the ports the kernel chose for port 0. */
  addresses(): BindAddress[] {
    return this.bound.map((b) => b.address);
  }

  /** The bound addresses, as text for logs. */
  describe(): string {
    return this.addresses()
      .map((a) => a.text)
      .join(', ');
  }

  /**
   * Stops accepting at once. The close callbacks are not awaited: a server that handed sockets
   * to workers calls back only when the workers report every one of them closed, which is what
   * draining is for. `keepPaths`: Unix socket files stay, for a new master (USR2) that
   * accepts on the same sockets.
   */
  close(keepPaths = false): void {
    for (const b of this.bound.splice(0)) {
      if (b.server) keepPaths ? closeKeepingPath(b.server, b.address) : b.server.close();
      b.parked?.close();
      // A socket this master did not bind itself (parked, or passed down) leaves its file.
      if (!keepPaths) removeSocketFile(b.address);
    }
  }
}

/**
 * Closes a server without removing its Unix socket file. libuv unlinks the path a handle bound
 * when that handle closes, but the socket lives on in workers or a new master that hold it,
 * and clients find it by that path. A second link keeps the socket's name while the first goes.
 */
function closeKeepingPath(server: Server, address: BindAddress): void {
  if (address.kind !== 'unix' || !address.path) return void server.close();
  const spare = `${address.path}.${process.pid}.keep`;
  try {
    linkSync(address.path, spare);
  } catch {
    return void server.close();
  }
  server.close();
  renameSync(spare, address.path);
}

function removeSocketFile(address: BindAddress): void {
  if (address.kind !== 'unix' || !address.path) return;
  try {
    unlinkSync(address.path);
  } catch {
    // Already removed, as libuv does when the handle that bound it closes.
  }
}

function handleOf(server: Server | null): ListeningHandle | null {
  return server ? ((server as unknown as { _handle: ListeningHandle | null })._handle ?? null) : null;
}

function addressOf(server: Server): BindAddress {
  const a = server.address();
  if (typeof a === 'string') return { kind: 'unix', path: a, text: `unix:${a}` };
  if (!a) return { kind: 'unix', path: '', text: '?' };
  return { kind: 'tcp', host: a.address, port: a.port, text: a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}` };
}

/** Reads and forgets the inherited descriptors, so that workers and later upgrades do not see them. */
function takeInheritedFds(): number[] {
  const value = process.env[LISTEN_FDS_ENV];
  delete process.env[LISTEN_FDS_ENV];
  return value
    ? value
        .split(',')
        .map(Number)
        .filter((fd) => Number.isInteger(fd) && fd > 2)
    : [];
}

async function listen(
  address: BindAddress,
  backlog: number,
  reusePort: boolean,
  onConnection: (connection: ConnectionHandle) => void,
): Promise<Server> {
  if (address.kind === 'unix') await removeStaleSocket(address.path);
  return listenOn(
    address.kind === 'unix'
      ? { path: address.path, backlog }
      : { host: address.host, port: address.port, backlog, ...(reusePort ? { reusePort: true } : {}) },
    onConnection,
  );
}

/** A listening server whose accepted connections go to `onConnection` as handles. */
async function listenOn(options: ListenOptions | { fd: number }, onConnection: (connection: ConnectionHandle) => void): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const listening = () => {
      server.off('error', reject);
      resolve();
    };
    // An inherited descriptor is a handle ({ fd }), a separate overload of listen().
    if ('fd' in options) server.listen(options, listening);
    else server.listen(options, listening);
  });
  takeConnections(server, onConnection);
  return server;
}

/** A Unix socket file left by a server that died is removed; one still in use is an error. */
async function removeStaleSocket(path: string): Promise<void> {
  if (!existsSync(path)) return;
  const inUse = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (!inUse) unlinkSync(path);
}

function bindError(address: BindAddress, err: NodeJS.ErrnoException): TsuError {
  const what: Record<string, string> = {
    EADDRINUSE: 'is already in use: stop the other server or choose another --bind',
    EACCES: 'is not permitted: ports below 1024 need root or CAP_NET_BIND_SERVICE, and a Unix socket needs a writable directory',
    EADDRNOTAVAIL: 'is not an address of this machine: bind to one of its addresses, or 0.0.0.0',
    ENOTFOUND: 'names a host that cannot be resolved',
  };
  const reason = what[err.code ?? ''] ?? `could not be bound (${err.code ?? err.message})`;
  return new TsuError('TSU_ERR_BIND', `bind address ${address.text} ${reason}`, { cause: err });
}

/**
 * The control socket: a Unix stream socket (mode 0600, so only the master's user can use it)
 * on which `tsunicorn ctl` sends one JSON request per connection and reads one JSON answer,
 * sent once the action has finished or failed.
 */
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { TsuError } from '../errors.js';

/** A request on the control socket. */
export type ControlRequest =
  | { readonly cmd: 'status' }
  | { readonly cmd: 'reload' }
  | { readonly cmd: 'scale'; readonly workers: number }
  | { readonly cmd: 'stop'; readonly quick: boolean }
  | { readonly cmd: 'reopen-logs' };

/** The answer: ok with a message (and the status for `status`), or the reason it failed. */
export interface ControlAnswer {
  readonly ok: boolean;
  readonly message: string;
  readonly status?: unknown;
}

/** Handles one request; resolves with its answer once the action is done. */
export type ControlHandler = (request: ControlRequest) => Promise<ControlAnswer>;

/** The listening control socket. */
export interface ControlSocket {
  /** Stops listening and drops connections still waiting for an answer (the master is exiting). */
  close(): Promise<void>;
}

/** Starts listening on `path`; throws TSU_ERR_ADMIN_BIND when it cannot. */
export async function startControlSocket(path: string, handle: ControlHandler): Promise<ControlSocket> {
  if (existsSync(path)) unlinkSync(path);
  const open = new Set<Socket>();
  const server: Server = createServer((socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    serveOne(socket, handle);
  });
  // The socket file is created 0600 (umask) rather than chmod-ed after, so no other user can
  // connect in between.
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new TsuError(
            'TSU_ERR_ADMIN_BIND',
            `control socket ${path} (setting "controlSocket", --control-socket) could not be created (${err.code ?? err.message})`,
            { cause: err },
          ),
        ),
      );
      server.listen(path, resolve);
    });
  } finally {
    process.umask(umask);
  }
  chmodSync(path, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Answers already written are flushed by end(); a request still waiting gets none.
        for (const socket of open) if (!socket.writableEnded) socket.destroy();
      }),
  };
}

function serveOne(socket: Socket, handle: ControlHandler): void {
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('error', () => {});
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    const newline = buffer.indexOf('\n');
    if (newline < 0) return;
    socket.removeAllListeners('data');
    const request = parseRequest(buffer.slice(0, newline));
    const answered = request ? handle(request) : Promise.resolve({ ok: false, message: 'not a control request' });
    // An action that throws is answered with its error, never left to crash the master.
    void answered
      .catch((err: unknown): ControlAnswer => ({ ok: false, message: `the action failed: ${(err as Error)?.message ?? String(err)}` }))
      .then((answer) => socket.end(`${JSON.stringify(answer)}\n`));
  });
}

function parseRequest(line: string): ControlRequest | null {
  try {
    const value = JSON.parse(line) as { cmd?: unknown; workers?: unknown; quick?: unknown };
    switch (value.cmd) {
      case 'status':
      case 'reload':
      case 'reopen-logs':
        return { cmd: value.cmd };
      case 'scale':
        return Number.isInteger(value.workers) && (value.workers as number) >= 1
          ? { cmd: 'scale', workers: value.workers as number }
          : null;
      case 'stop':
        return { cmd: 'stop', quick: value.quick === true };
      default:
        return null;
    }
  } catch {
    return null;
  }
}

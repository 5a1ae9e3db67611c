import { type BindAddress, parseBind } from './bind.js';
import { int, list, str } from './define.js';

/** The server socket: where to listen and how many connections may wait. */
export const serverSettings = {
  bind: list<BindAddress>({
    restart: true,
    section: 'server',
    cli: ['-b', '--bind'],
    env: 'TSUNICORN_BIND',
    meta: 'ADDRESS',
    item: parseBind,
    default: () => [parseBind('127.0.0.1:8000')],
    defaultDoc: "['127.0.0.1:8000']; when the PORT environment variable is set and no bind is given, 0.0.0.0:$PORT",
    doc: 'Socket to bind: HOST:PORT, [IPv6]:PORT, :PORT, PORT or unix:PATH. Repeat to bind several.',
  }),
  backlog: int({
    restart: true,
    section: 'server',
    cli: ['--backlog'],
    env: 'TSUNICORN_BACKLOG',
    min: 1,
    default: 2048,
    doc: 'Maximum number of pending connections the kernel queues on each socket, and the master holds while no worker is ready.',
  }),
  dispatch: str<'master' | 'shared' | 'reuseport'>({
    restart: true,
    section: 'server',
    cli: ['--dispatch'],
    env: 'TSUNICORN_DISPATCH',
    choices: ['master', 'shared', 'reuseport'],
    default: 'master',
    doc:
      'How connections reach workers. master: the master accepts each and hands it to the least busy warm worker. ' +
      "shared: each warm worker accepts on the listening sockets itself (gunicorn's model; the kernel picks the worker). " +
      'reuseport: each warm worker binds its own socket on the address with SO_REUSEPORT (Node >= 22.12). ' +
      'docs/dispatch.md says what each mode guarantees and costs.',
  }),
  balance: str<'least-busy' | 'round-robin'>({
    section: 'server',
    cli: ['--balance'],
    env: 'TSUNICORN_BALANCE',
    choices: ['least-busy', 'round-robin'],
    default: 'least-busy',
    doc:
      'How the master picks the worker for a new connection (dispatch master): least-busy (the worker with the fewest ' +
      'connections it has not yet taken — a worker busy on a CPU-heavy request cannot take one — then the fewest requests ' +
      'in flight) or round-robin (as node:cluster).',
  }),
} as const;

import { createWriteStream, type WriteStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatTimestamp, jsonLine } from '../logger.js';
import type { WorkerInfo } from '../types.js';

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `22/Nov/2026:08:00:00 +0000`, the time format of Apache's common log. */
function apacheTime(date: Date): string {
  const [day, time, zone] = formatTimestamp(date).split(' ') as [string, string, string];
  const [y, m, d] = day.split('-');
  return `${d}/${months[Number(m) - 1]}/${y}:${time} ${zone}`;
}

type Atom = (req: IncomingMessage, res: ServerResponse, micros: number) => string;

const dash = (v: string | number | undefined | null): string => (v === undefined || v === null || v === '' ? '-' : String(v));

const atoms: Record<string, Atom> = {
  h: (req) => dash(req.socket.remoteAddress),
  l: () => '-',
  u: () => '-',
  t: () => `[${apacheTime(new Date())}]`,
  r: (req) => `${req.method} ${req.url} HTTP/${req.httpVersion}`,
  m: (req) => dash(req.method),
  U: (req) => dash(req.url?.split('?')[0]),
  q: (req) => dash(req.url?.split('?')[1]),
  H: (req) => `HTTP/${req.httpVersion}`,
  s: (_req, res) => String(res.statusCode),
  b: (_req, res) => dash(res.getHeader('content-length') as string | undefined),
  B: (_req, res) => String(res.getHeader('content-length') ?? 0),
  f: (req) => dash(req.headers.referer),
  a: (req) => dash(req.headers['user-agent']),
  D: (_req, _res, micros) => String(Math.round(micros)),
  M: (_req, _res, micros) => String(Math.round(micros / 1000)),
  L: (_req, _res, micros) => (micros / 1e6).toFixed(6),
  p: () => `<${process.pid}>`,
};

/** Compiles a gunicorn-style format (`%(h)s`, `%({x-id}i)s`) into a line builder, once. */
export function compileAccessFormat(format: string): Atom {
  const parts: (string | Atom)[] = [];
  let last = 0;
  for (const m of format.matchAll(/%\((\{([^}]+)\}([io])|[a-zA-Z])\)s/g)) {
    parts.push(format.slice(last, m.index));
    parts.push(atomFor(m[1]!, m[2], m[3]));
    last = m.index! + m[0].length;
  }
  parts.push(format.slice(last));
  return (req, res, micros) => {
    let line = '';
    for (const part of parts) line += typeof part === 'string' ? part : part(req, res, micros);
    return line;
  };
}

/**
 * JSON field names for the format's atoms: pino-http's where it has one (responseTime,
 * remoteAddress…), else the name the atom's doc uses. Headers become `req.NAME` and `res.NAME`.
 */
const fieldNames: Record<string, string> = {
  h: 'remoteAddress',
  l: 'ident',
  u: 'user',
  t: 'timestamp',
  r: 'request',
  m: 'method',
  U: 'url',
  q: 'query',
  H: 'protocol',
  s: 'statusCode',
  b: 'contentLength',
  B: 'bytes',
  f: 'referer',
  a: 'userAgent',
  D: 'responseTimeUs',
  M: 'responseTime',
  L: 'responseTimeSeconds',
  p: 'workerPid',
};

type Fields = (req: IncomingMessage, res: ServerResponse, micros: number) => Record<string, string | number>;

/** Compiles a format into a builder of the JSON fields its atoms name, once. */
export function compileAccessFields(format: string): Fields {
  const parts: [string, Atom][] = [];
  for (const m of format.matchAll(/%\((\{([^}]+)\}([io])|[a-zA-Z])\)s/g)) {
    const name = m[2] !== undefined ? `${m[3] === 'i' ? 'req' : 'res'}.${m[2].toLowerCase()}` : (fieldNames[m[1]!] ?? m[1]!);
    parts.push([name, atomFor(m[1]!, m[2], m[3])]);
  }
  const numeric = new Set(['statusCode', 'responseTime', 'responseTimeUs', 'bytes']);
  return (req, res, micros) => {
    const fields: Record<string, string | number> = {};
    for (const [name, atom] of parts) {
      const value = atom(req, res, micros);
      fields[name] = numeric.has(name) ? Number(value) : value;
    }
    return fields;
  };
}

function atomFor(key: string, header: string | undefined, side: string | undefined): Atom {
  if (header !== undefined) {
    const name = header.toLowerCase();
    return side === 'i' ? (req) => dash(req.headers[name] as string) : (_req, res) => dash(res.getHeader(name) as string);
  }
  return atoms[key] ?? (() => '-');
}

/** The access log: one line per finished response, written through a buffered stream. */
export class AccessLog {
  private stream: WriteStream | NodeJS.WriteStream;
  private readonly line: Atom;

  /** `json`: the worker whose lines these are, to write JSON lines; null writes text. */
  constructor(
    private readonly file: string,
    format: string,
    private readonly onError: (err: Error) => void,
    json: WorkerInfo | null = null,
  ) {
    this.line = json ? jsonAccessLine(compileAccessFields(format), json) : textAccessLine(compileAccessFormat(format));
    this.stream = this.open();
  }

  /** Attaches to a server: one 'request' listener, nothing at all when the log is off. */
  record(req: IncomingMessage, res: ServerResponse): void {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const micros = Number(process.hrtime.bigint() - start) / 1000;
      this.stream.write(this.line(req, res, micros));
    });
  }

  reopen(): void {
    if (this.file === '-') return;
    const old = this.stream;
    this.stream = this.open();
    old.end();
  }

  /** Flushes and closes the file. */
  close(): Promise<void> {
    if (this.file === '-') return Promise.resolve();
    return new Promise((resolve) => (this.stream as WriteStream).end(resolve));
  }

  /** A write error (disk full, file removed) is reported, never fatal to the worker. */
  private open(): WriteStream | NodeJS.WriteStream {
    if (this.file === '-') return process.stdout;
    return createWriteStream(this.file, { flags: 'a' }).on('error', this.onError);
  }
}

/** One pino-style JSON line per request: the worker's identity, the format's fields, a short msg. */
function jsonAccessLine(fields: Fields, worker: WorkerInfo): Atom {
  return (req, res, micros) =>
    jsonLine(30, { worker: worker.id, generation: worker.generation, ...fields(req, res, micros) }, 'request completed');
}

function textAccessLine(line: Atom): Atom {
  return (req, res, micros) => `${line(req, res, micros)}\n`;
}

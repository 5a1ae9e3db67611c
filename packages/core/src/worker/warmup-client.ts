/**
 * The warm-up's HTTP client: HTTP/1.1 written and read as bytes on a plain loopback socket.
 *
 * Node's own client (`http.request`) would be simpler, but it shares its code with the server
 * (EventEmitter, streams, OutgoingMessage, IncomingMessage, the parser) and runs it on objects
 * of other shapes: V8's type feedback in those shared functions then stays polymorphic for the
 * worker's life. Measured (one pinned worker, hello world, wrk keep-alive, 3 rounds): a plain
 * server warmed by 50 `http.get`s served 5–7% fewer requests per second than an unwarmed one;
 * warmed by the same requests written on a socket, within 2%. So the server side sees the
 * same objects real traffic brings, and the client side is a socket and a Buffer.
 */
import { connect, type Socket } from 'node:net';
import type { WarmupRequest, WarmupResponse } from '../types.js';

/** Header every warm-up request carries (value `1`), so an app can skip side effects for it. */
export const WARMUP_HEADER = 'x-tsunicorn-warmup';

const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');

/** Sends requests one at a time over one keep-alive connection to 127.0.0.1:port, reconnecting when the server closes it. */
export class WarmupClient {
  private socket: Socket | null = null;

  constructor(
    private readonly port: number,
    private readonly deadline: number,
    private readonly onTimeout: (req: WarmupRequest) => Error,
  ) {}

  /**
   * Sends `req` and resolves with the whole response. A kept-alive connection the server
   * closed while idle fails before any byte of an answer: then it is sent once more on a new one.
   */
  async send(req: WarmupRequest): Promise<WarmupResponse> {
    const reused = this.socket !== null && !this.socket.destroyed;
    try {
      return await this.sendOnce(req);
    } catch (err) {
      if (!reused || !(err instanceof ConnectionLost)) throw err;
      return this.sendOnce(req);
    }
  }

  private sendOnce(req: WarmupRequest): Promise<WarmupResponse> {
    const remaining = this.deadline - performance.now();
    if (remaining <= 0) return Promise.reject(this.onTimeout(req));
    const method = (req.method ?? 'GET').toUpperCase();
    return new Promise((resolve, reject) => {
      const socket = this.connection();
      const reader = new ResponseReader(method === 'HEAD');
      let received = false;
      const timer = setTimeout(() => fail(this.onTimeout(req)), remaining);
      const done = (err: Error | null, res?: ParsedResponse) => {
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('end', onEnd);
        socket.off('error', fail);
        socket.off('close', onEnd);
        if (err || !res || !res.keepAlive) this.drop(socket);
        if (err) reject(err);
        else resolve(res!.response);
      };
      const fail = (err: Error) => done(received ? err : new ConnectionLost(err.message));
      const onData = (chunk: Buffer) => {
        received = true;
        try {
          const res = reader.push(chunk);
          if (res) done(null, res);
        } catch (err) {
          done(err as Error);
        }
      };
      const onEnd = () => {
        const res = reader.end();
        if (res) done(null, res);
        else fail(new Error('the server closed the connection before a whole response'));
      };
      socket.on('data', onData);
      socket.on('end', onEnd);
      socket.on('close', onEnd);
      socket.on('error', fail);
      socket.write(encodeRequest(method, req, this.port));
    });
  }

  /** `http://127.0.0.1:PORT`, for a user's own client. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  close(): void {
    if (this.socket) this.drop(this.socket);
  }

  private connection(): Socket {
    if (this.socket && !this.socket.destroyed) return this.socket;
    const socket = connect({ host: '127.0.0.1', port: this.port, noDelay: true });
    socket.on('error', () => {});
    this.socket = socket;
    return socket;
  }

  private drop(socket: Socket): void {
    socket.destroy();
    if (this.socket === socket) this.socket = null;
  }
}

/** The connection failed or closed before any byte of an answer arrived. */
class ConnectionLost extends Error {}

/** The request's bytes: request line, headers (ours first, then the request's own), body. */
export function encodeRequest(method: string, req: WarmupRequest, port: number): Buffer {
  const headers: Record<string, string> = { host: `127.0.0.1:${port}`, [WARMUP_HEADER]: '1' };
  for (const [name, value] of Object.entries(req.headers ?? {})) headers[name.toLowerCase()] = value;
  const body = encodeBody(req, headers);
  if (body !== null || !['GET', 'HEAD', 'OPTIONS', 'DELETE'].includes(method)) headers['content-length'] = String(body?.length ?? 0);
  let head = `${method} ${req.url} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  const start = Buffer.from(`${head}\r\n`, 'latin1');
  return body === null ? start : Buffer.concat([start, body]);
}

function encodeBody(req: WarmupRequest, headers: Record<string, string>): Buffer | null {
  if (req.body === undefined) return null;
  if (typeof req.body === 'string') return Buffer.from(req.body);
  headers['content-type'] ??= 'application/json';
  return Buffer.from(JSON.stringify(req.body));
}

interface ParsedResponse {
  readonly response: WarmupResponse;
  /** Whether the connection may carry the next request. */
  readonly keepAlive: boolean;
}

type Headers = Record<string, string | string[]>;

/**
 * Reads one response from the bytes as they arrive: the status line and headers, then a body
 * framed by Content-Length, by chunked encoding, or by the end of the connection. Interim
 * (1xx) responses are skipped.
 */
export class ResponseReader {
  private buffered: Buffer = Buffer.alloc(0);
  private head: { status: number; headers: Headers; keepAlive: boolean } | null = null;
  private body: Body | null = null;

  constructor(private readonly noBody: boolean) {}

  /** Adds bytes; returns the response once it is whole. Throws on bytes that are not HTTP/1.x. */
  push(chunk: Buffer): ParsedResponse | null {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.head === null) {
      const end = this.buffered.indexOf(HEADERS_END);
      if (end === -1) return null;
      const head = parseHead(this.buffered.subarray(0, end).toString('latin1'));
      this.buffered = this.buffered.subarray(end + HEADERS_END.length);
      if (head.status >= 100 && head.status < 200 && head.status !== 101) continue;
      this.head = head;
      this.body = bodyFor(head, this.noBody);
    }
    const body = this.body!.take(this.buffered);
    if (body === null) return null;
    return this.finish(body, this.head.keepAlive);
  }

  /** The connection ended: a body read to the end is whole now, anything else is not. */
  end(): ParsedResponse | null {
    if (this.head === null || !this.body) return null;
    const body = this.body.atEnd(this.buffered);
    return body === null ? null : this.finish(body, false);
  }

  private finish(body: Buffer, keepAlive: boolean): ParsedResponse {
    const { status, headers } = this.head!;
    return { response: { status, headers, body: body.toString('utf8') }, keepAlive };
  }
}

function parseHead(text: string): { status: number; headers: Headers; keepAlive: boolean } {
  const lines = text.split('\r\n');
  const statusLine = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0] ?? '');
  if (!statusLine) throw new Error(`not an HTTP/1.x response: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
  const headers: Headers = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    addHeader(headers, line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const connection = String(headers.connection ?? '').toLowerCase();
  const keepAlive = statusLine[1] === '1' ? !connection.includes('close') : connection.includes('keep-alive');
  return { status: Number(statusLine[2]), headers, keepAlive };
}

/** As Node joins repeated headers: set-cookie as an array, the rest joined with ', '. */
function addHeader(headers: Headers, name: string, value: string): void {
  const existing = headers[name];
  if (name === 'set-cookie') headers[name] = Array.isArray(existing) ? [...existing, value] : [value];
  else headers[name] = existing === undefined ? value : `${existing}, ${value}`;
}

/** How a response's body is framed. */
interface Body {
  /** The whole body from what is buffered so far, or null while it is incomplete. */
  take(buffered: Buffer): Buffer | null;
  /** The body when the connection has ended, or null when it was cut short. */
  atEnd(buffered: Buffer): Buffer | null;
}

function bodyFor(head: { status: number; headers: Headers }, noBody: boolean): Body {
  const { status, headers } = head;
  if (noBody || status === 204 || status === 304) return fixedLength(0);
  if (
    String(headers['transfer-encoding'] ?? '')
      .toLowerCase()
      .includes('chunked')
  )
    return chunked();
  const length = headers['content-length'];
  if (typeof length === 'string') return fixedLength(Number(length));
  return untilClose();
}

function fixedLength(length: number): Body {
  return {
    take: (buffered) => (buffered.length >= length ? buffered.subarray(0, length) : null),
    atEnd: () => null,
  };
}

function untilClose(): Body {
  return { take: () => null, atEnd: (buffered) => buffered };
}

/** Chunked encoding: `size[;ext]\r\n data \r\n`, ending with a zero-size chunk and the trailers. */
function chunked(): Body {
  return {
    take(buffered) {
      const parts: Buffer[] = [];
      let at = 0;
      for (;;) {
        const lineEnd = buffered.indexOf(CRLF, at);
        if (lineEnd === -1) return null;
        const size = Number.parseInt(buffered.subarray(at, lineEnd).toString('latin1'), 16);
        if (Number.isNaN(size)) throw new Error('a chunked response with a malformed chunk size');
        // The last chunk, then trailers (usually none) and an empty line.
        if (size === 0) return buffered.indexOf(HEADERS_END, lineEnd) === -1 ? null : Buffer.concat(parts);
        const dataStart = lineEnd + CRLF.length;
        if (buffered.length < dataStart + size + CRLF.length) return null;
        parts.push(buffered.subarray(dataStart, dataStart + size));
        at = dataStart + size + CRLF.length;
      }
    },
    atEnd: () => null,
  };
}

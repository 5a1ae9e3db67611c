/**
 * A minimal HTTP/1.1 client over one keep-alive TCP connection that is opened before the
 * first request, so a request's latency never includes connecting or the master handing the
 * connection to a worker. It speaks just enough HTTP for the example apps: Content-Length
 * and chunked bodies, no pipelining. Written by hand, not with node:http, so that the client
 * does as little as possible between writing a request and reading its last byte.
 */
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';

const CRLF = '\r\n';
const HEADER_END = Buffer.from('\r\n\r\n');

/** One open connection; send() one request at a time. */
export class KeepAliveConnection {
  /** @param {import('node:net').Socket} socket a connected socket */
  constructor(socket, host, port) {
    this.socket = socket;
    this.hostHeader = `${host}:${port}`;
    this.buffer = Buffer.alloc(0);
    this.pending = null;
    this.closed = false;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => {
      this.closed = true;
      this.fail(new Error('the server closed the connection'));
    });
  }

  /**
   * Sends one request and resolves with its status, body and latency: from writing the
   * request to reading the last byte of the response.
   * @param {{ method?: string, url: string, headers?: Record<string,string>, body?: unknown }} req
   */
  send(req, timeoutMs = 10_000) {
    if (this.pending) return Promise.reject(new Error('a request is already in flight'));
    if (this.closed) return Promise.reject(new Error('the connection is closed'));
    const bytes = encodeRequest(req, this.hostHeader);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => this.fail(new Error(`no answer to ${req.method ?? 'GET'} ${req.url} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.pending = { resolve, reject, timer, head: (req.method ?? 'GET') === 'HEAD', started: performance.now() };
      this.socket.write(bytes);
    });
  }

  close() {
    this.closed = true;
    this.socket.destroy();
  }

  onData(chunk) {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    if (!this.pending) return;
    const parsed = parseResponse(this.buffer, this.pending.head);
    if (parsed === null) return;
    const ms = performance.now() - this.pending.started;
    const { resolve, timer } = this.pending;
    this.pending = null;
    clearTimeout(timer);
    this.buffer = this.buffer.subarray(parsed.length);
    if (parsed.connectionClose) this.closed = true;
    resolve({ status: parsed.status, body: parsed.body, ms, connectionClose: parsed.connectionClose });
  }

  fail(err) {
    if (!this.pending) return;
    const { reject, timer } = this.pending;
    this.pending = null;
    clearTimeout(timer);
    reject(err);
  }
}

/** Opens a TCP connection and resolves once it is established. */
export function openConnection(host, port, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`could not connect to ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(new KeepAliveConnection(socket, host, port));
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

function encodeRequest(req, hostHeader) {
  const method = req.method ?? 'GET';
  const headers = { host: hostHeader, connection: 'keep-alive', ...lowerKeys(req.headers ?? {}) };
  let body = null;
  if (req.body !== undefined) {
    const isText = typeof req.body === 'string';
    body = Buffer.from(isText ? req.body : JSON.stringify(req.body));
    if (!isText && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
    headers['content-length'] = String(body.length);
  }
  const head = `${method} ${req.url} HTTP/1.1${CRLF}${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}${CRLF}`)
    .join('')}${CRLF}`;
  return body ? Buffer.concat([Buffer.from(head), body]) : Buffer.from(head);
}

function lowerKeys(headers) {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

/**
 * Parses one complete response at the start of `buf`, or returns null when more bytes are
 * needed. Returns the status, the body (as a string) and how many bytes the response took.
 */
export function parseResponse(buf, isHead) {
  const headEnd = buf.indexOf(HEADER_END);
  if (headEnd === -1) return null;
  const lines = buf.subarray(0, headEnd).toString('latin1').split(CRLF);
  const status = Number(lines[0].split(' ')[1]);
  const headers = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const connectionClose = (headers.connection ?? '').toLowerCase() === 'close';
  const bodyStart = headEnd + HEADER_END.length;
  if (isHead || status === 204 || status === 304 || (status >= 100 && status < 200)) {
    return { status, body: '', length: bodyStart, connectionClose };
  }
  if ((headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked')) {
    const chunked = parseChunked(buf, bodyStart);
    return chunked && { status, body: chunked.body, length: chunked.end, connectionClose };
  }
  const length = Number(headers['content-length'] ?? 0);
  if (buf.length < bodyStart + length) return null;
  return { status, body: buf.subarray(bodyStart, bodyStart + length).toString('utf8'), length: bodyStart + length, connectionClose };
}

function parseChunked(buf, start) {
  const parts = [];
  let at = start;
  for (;;) {
    const lineEnd = buf.indexOf(CRLF, at);
    if (lineEnd === -1) return null;
    const size = Number.parseInt(buf.subarray(at, lineEnd).toString('latin1'), 16);
    if (size === 0) {
      // No trailers from these apps: the last chunk is followed by an empty line.
      const end = buf.indexOf(CRLF, lineEnd + 2);
      return end === -1 ? null : { body: Buffer.concat(parts).toString('utf8'), end: end + 2 };
    }
    if (buf.length < lineEnd + 2 + size + 2) return null;
    parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

/**
 * A raw HTTP/1.1 client for the parity suite: it writes exactly the bytes a case gives, reads
 * what the server answers and parses it itself, so the comparison sees the wire — interim
 * 1xx responses, chunk framing, pipelined answers, and what comes after an upgrade.
 */
import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** A TCP address or a unix socket path. */
export type Target = { readonly host: string; readonly port: number } | { readonly path: string };

export interface RawResponse {
  readonly status: number;
  readonly reason: string;
  /** Header names lower-cased, in the order sent. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
  /** The body was chunk-framed; `chunks` holds each chunk's size. */
  readonly chunks: readonly number[] | null;
}

export interface ExchangeResult {
  readonly responses: readonly RawResponse[];
  /** Bytes that followed the last complete response (a tunnel's or an upgraded protocol's). */
  readonly rest: Buffer;
  readonly socket: Socket;
}

/** What to write, in order; a function waits for something in what was read so far. */
export type Step = string | Buffer | ((received: Buffer) => boolean) | { readonly end: true };

export interface ExchangeOptions {
  /** Requests whose answers have no body (HEAD), by index of response. */
  readonly headIndexes?: readonly number[];
  /** Resolve once this many final (non-1xx) responses have been read. */
  readonly responses?: number;
  /** Also resolve when `rest` satisfies this (after an upgrade or CONNECT). */
  readonly until?: (result: { responses: readonly RawResponse[]; rest: Buffer }) => boolean;
  readonly timeoutMs?: number;
  /** Keep the socket open for the caller (it must destroy it). */
  readonly keepOpen?: boolean;
}

/** Connects, runs the steps, and resolves with the parsed responses. Bounded by `timeoutMs`. */
export function exchange(target: Target, steps: readonly Step[], options: ExchangeOptions = {}): Promise<ExchangeResult> {
  const socket = connect(target as Parameters<typeof connect>[0]);
  let received = Buffer.alloc(0);
  const wanted = options.responses ?? 1;
  return new Promise((resolve, reject) => {
    const waiters: (() => void)[] = [];
    const timer = setTimeout(
      () =>
        fail(new Error(`no complete answer within ${options.timeoutMs ?? 10_000} ms; got:\n${received.toString('latin1').slice(0, 2000)}`)),
      options.timeoutMs ?? 10_000,
    );
    const finish = (result: ExchangeResult) => {
      clearTimeout(timer);
      if (!options.keepOpen) socket.destroy();
      resolve(result);
    };
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    const check = (closed: boolean) => {
      for (const wake of waiters.splice(0)) wake();
      const parsed = parseResponses(received, options.headIndexes ?? [], closed);
      const finals = parsed.responses.filter((r) => r.status >= 200 || r.status === 101);
      if (finals.length >= wanted && (!options.until || options.until(parsed))) finish({ ...parsed, socket });
      else if (closed) finish({ ...parsed, socket });
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      check(false);
    });
    socket.on('end', () => check(true));
    socket.on('error', (err) => fail(err));
    void (async () => {
      for (const step of steps) {
        if (typeof step === 'function') {
          while (!step(received)) await new Promise<void>((wake) => waiters.push(wake));
        } else if (typeof step === 'object' && 'end' in step) {
          socket.end();
        } else {
          socket.write(step);
        }
      }
    })().catch(fail);
  });
}

/** Parses as many whole responses as `data` holds; `closed` ends a body read to the close. */
export function parseResponses(data: Buffer, headIndexes: readonly number[], closed: boolean): { responses: RawResponse[]; rest: Buffer } {
  const responses: RawResponse[] = [];
  let offset = 0;
  for (;;) {
    const end = data.indexOf('\r\n\r\n', offset);
    if (end === -1) break;
    const head = data.subarray(offset, end).toString('latin1').split('\r\n');
    const [, statusText, reason = ''] = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(head[0] ?? '') ?? [];
    if (statusText === undefined) break;
    const status = Number(statusText);
    const headers = head.slice(1).map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()] as const;
    });
    const bodyStart = end + 4;
    const finalIndex = responses.filter((r) => r.status >= 200).length;
    const body = readBody(data, bodyStart, status, headers, headIndexes.includes(finalIndex), closed);
    if (body === null) break;
    responses.push({ status, reason, headers, body: body.body, chunks: body.chunks });
    offset = body.next;
    if (status === 101 || (status === 200 && headers.length === 0)) break; // the rest is another protocol
  }
  return { responses, rest: data.subarray(offset) };
}

function readBody(
  data: Buffer,
  start: number,
  status: number,
  headers: readonly (readonly [string, string])[],
  isHead: boolean,
  closed: boolean,
): { body: Buffer; chunks: number[] | null; next: number } | null {
  const header = (name: string) => headers.find(([n]) => n === name)?.[1];
  if (isHead || status < 200 || status === 204 || status === 304) return { body: Buffer.alloc(0), chunks: null, next: start };
  if (header('transfer-encoding')?.toLowerCase().includes('chunked')) return readChunked(data, start);
  const length = header('content-length');
  if (length !== undefined) {
    const next = start + Number(length);
    return next <= data.length ? { body: data.subarray(start, next), chunks: null, next } : null;
  }
  if (status === 200 && headers.length === 0) return { body: Buffer.alloc(0), chunks: null, next: start }; // CONNECT
  return closed ? { body: data.subarray(start), chunks: null, next: data.length } : null;
}

function readChunked(data: Buffer, start: number): { body: Buffer; chunks: number[]; next: number } | null {
  const parts: Buffer[] = [];
  const chunks: number[] = [];
  let offset = start;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', offset);
    if (lineEnd === -1) return null;
    const size = Number.parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16);
    if (size === 0) {
      const trailerEnd = data.indexOf('\r\n', lineEnd + 2);
      if (trailerEnd === -1) return null;
      return { body: Buffer.concat(parts), chunks, next: trailerEnd + 2 };
    }
    const chunkStart = lineEnd + 2;
    if (chunkStart + size + 2 > data.length) return null;
    parts.push(data.subarray(chunkStart, chunkStart + size));
    chunks.push(size);
    offset = chunkStart + size + 2;
  }
}

/** A response reduced to what both servers must agree on: the Date header is left out. */
export function comparable(response: RawResponse, replace: (name: string, value: string) => string = (_n, v) => v) {
  return {
    status: response.status,
    reason: response.reason,
    headers: response.headers.filter(([name]) => name !== 'date').map(([name, value]) => [name, replace(name, value)]),
    body: response.body.length > 4096 ? `${response.body.length} bytes, sha ${sha(response.body)}` : response.body.toString('latin1'),
    chunks: response.chunks,
  };
}

function sha(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}

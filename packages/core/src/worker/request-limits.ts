/**
 * gunicorn's request limits on Node's parser. Node caps the request line and all headers
 * together (max-http-header-size, 16 KiB, answered 431) and the header count (maxHeadersCount,
 * 2000); it has no separate limit on the request line or on one field, and its count limit
 * answers differently across versions. These are checked here, before the app sees the
 * request, only when set; Node's byte limit still applies on top.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Settings } from '../settings/index.js';

/** Node's default server.maxHeadersCount. */
const NODE_MAX_HEADERS_COUNT = 2000;

type Limits = Pick<Settings, 'limitRequestLine' | 'limitRequestFields' | 'limitRequestFieldSize'>;
type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** Rejects requests over the configured limits before the app's listeners run; nothing when none is set. */
export function guardRequestLimits(server: Server, limits: Limits): void {
  const { limitRequestLine, limitRequestFields, limitRequestFieldSize } = limits;
  if (limitRequestLine === 0 && limitRequestFields === 0 && limitRequestFieldSize === 0) return;
  // Node's own count limit (2000 by default) answers 400 on Node 20 and 431 on Node 24, and on
  // Node 20 only counts in batches: it is raised when the setting allows more, never lowered.
  if (limitRequestFields >= NODE_MAX_HEADERS_COUNT) server.maxHeadersCount = limitRequestFields + 1;
  // rawListeners: a listener that wraps another (once(), the request counter) is kept whole.
  const app = server.rawListeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const refusal = checkRequest(req, limits);
    if (refusal) return refuse(res, refusal);
    for (const listener of app) listener.call(server, req, res);
  });
}

function checkRequest(req: IncomingMessage, limits: Limits): [number, string] | null {
  // "METHOD SP target SP HTTP/x.y"
  const lineLength = (req.method?.length ?? 0) + (req.url?.length ?? 0) + 10;
  if (limits.limitRequestLine > 0 && lineLength > limits.limitRequestLine) return [414, 'Request line too long'];
  const raw = req.rawHeaders;
  if (limits.limitRequestFields > 0 && raw.length / 2 > limits.limitRequestFields) return [431, 'Too many header fields'];
  if (limits.limitRequestFieldSize > 0) {
    for (let i = 0; i < raw.length; i += 2) {
      // "Name: value"
      if (raw[i]!.length + raw[i + 1]!.length + 2 > limits.limitRequestFieldSize) return [431, 'Header field too large'];
    }
  }
  return null;
}

function refuse(res: ServerResponse, [status, message]: [number, string]): void {
  res.shouldKeepAlive = false;
  res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' });
  res.end(`${message}\n`);
}

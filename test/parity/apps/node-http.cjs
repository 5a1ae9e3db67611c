/**
 * A plain node:http app with one route per behaviour the parity suite compares: responses in
 * several pieces, streams, files, uploads, 100-continue, compression, server-sent events,
 * upgrades, CONNECT, client aborts, peer addresses and the server's own connection listeners.
 */
const { createHash } = require('node:crypto');
const { createReadStream, renameSync, writeFileSync } = require('node:fs');
const http = require('node:http');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const zlib = require('node:zlib');
const { WebSocketServer } = require('ws');

const FILE_BYTES = Buffer.alloc(300_000, 'tsunicorn parity file\n');
// One file for every run, replaced atomically: the plain server and each worker write it as they
// start, while the others may be serving it.
const file = join(tmpdir(), 'tsunicorn-parity-file.txt');
writeFileSync(`${file}.${process.pid}`, FILE_BYTES);
renameSync(`${file}.${process.pid}`, file);
const BIG = Buffer.alloc(5 * 1024 * 1024, 'big body\n');
const TEXT = 'compressible text, '.repeat(2000);

const state = { aborted: 0, connections: 0, dropped: 0, closed: 0, listening: 0 };
const sockets = new WebSocketServer({ noServer: true });

const routes = {
  'GET /pieces': (_req, res) => {
    res.write('first piece\n');
    setImmediate(() => res.end('second piece\n'));
  },
  'GET /pieces-sized': (_req, res) => {
    res.setHeader('content-length', 25);
    res.write('first piece, ');
    setImmediate(() => res.end('second piece'));
  },
  'GET /stream': (_req, res) => {
    res.setHeader('content-type', 'text/plain');
    let n = 0;
    const timer = setInterval(() => {
      res.write(`chunk ${n}\n`);
      if (++n === 5) {
        clearInterval(timer);
        res.end();
      }
    }, 5);
  },
  'GET /file': (_req, res) => {
    res.setHeader('content-type', 'text/plain');
    createReadStream(file).pipe(res);
  },
  'GET /big': (_req, res) => {
    res.setHeader('content-length', BIG.length);
    res.end(BIG);
  },
  'GET /gzip': (_req, res) => {
    res.setHeader('content-encoding', 'gzip');
    res.setHeader('content-type', 'text/plain');
    const gzip = zlib.createGzip();
    gzip.pipe(res);
    gzip.end(TEXT);
  },
  'GET /sse': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let n = 0;
    const timer = setInterval(() => {
      res.write(`id: ${n}\ndata: event ${n}\n\n`);
      if (++n === 3) {
        clearInterval(timer);
        res.end();
      }
    }, 5);
  },
  'POST /upload': (req, res) => {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ bytes, sha256: hash.digest('hex'), transferEncoding: req.headers['transfer-encoding'] ?? null }));
    });
  },
  'GET /headers': (req, res) => {
    const size = req.rawHeaders.reduce((sum, part) => sum + part.length, 0);
    res.end(JSON.stringify({ count: req.rawHeaders.length / 2, size }));
  },
  'GET /slow': (_req, res) => {
    let n = 0;
    res.write('start\n');
    const timer = setInterval(() => {
      res.write(`tick ${n++}\n`);
      if (n === 100) {
        clearInterval(timer);
        res.end();
      }
    }, 20);
    res.on('close', () => {
      clearInterval(timer);
      if (!res.writableFinished) state.aborted++;
    });
  },
  'GET /aborts': (_req, res) => res.end(JSON.stringify({ aborted: state.aborted })),
  'GET /peer': (req, res) => {
    const s = req.socket;
    res.end(
      JSON.stringify({ remoteAddress: s.remoteAddress, remotePort: s.remotePort, localAddress: s.localAddress, localPort: s.localPort }),
    );
  },
  'GET /socket-options': (req, res) => {
    const s = req.socket;
    const option = (name) => s[Object.getOwnPropertySymbols(s).find((sym) => sym.description === name)] ?? null;
    res.end(
      JSON.stringify({
        noDelay: option('kSetNoDelay'),
        keepAlive: option('kSetKeepAlive'),
        keepAliveInitialDelay: option('kSetKeepAliveInitialDelay'),
        allowHalfOpen: s.allowHalfOpen,
        readableHighWaterMark: s.readableHighWaterMark,
        writableHighWaterMark: s.writableHighWaterMark,
      }),
    );
  },
  'GET /limit': (_req, res) => {
    server.maxConnections = 1;
    res.end('limited\n');
  },
  'GET /unlimit': (_req, res) => {
    server.maxConnections = null;
    res.end(JSON.stringify({ dropped: state.dropped }));
  },
  'GET /lifecycle': (_req, res) => res.end(JSON.stringify({ closed: state.closed })),
  'GET /address': (_req, res) => res.end(JSON.stringify({ listening: server.listening, address: server.address() })),
  'GET /connections': (req, res) => {
    req.socket.server.getConnections((err, open) => {
      res.end(JSON.stringify({ seenByListener: state.connections > 0, open: err ? String(err) : open }));
    });
  },
};

// Options Node's accept path applies to each connection; tsunicorn must apply them too.
const options = { keepAlive: true, keepAliveInitialDelay: 3000, highWaterMark: 32 * 1024 };
const server = http.createServer(options, (req, res) => {
  const route = routes[`${req.method === 'HEAD' ? 'GET' : req.method} ${req.url}`];
  if (route) return route(req, res);
  res.statusCode = 404;
  res.end('not found\n');
});

// Longer than a load balancer's idle timeout, as apps behind one set it.
server.keepAliveTimeout = 7000;

server.on('connection', () => {
  state.connections++;
});
server.on('drop', () => {
  state.dropped++;
});
// An app may release resources when its server closes: that must happen at shutdown only.
server.on('close', () => {
  state.closed++;
  console.log(`PARITY: server closed (${state.closed})`);
});

server.on('upgrade', (req, socket, head) => {
  if (req.url !== '/ws') return socket.destroy();
  sockets.handleUpgrade(req, socket, head, (ws) => {
    ws.on('message', (data) => ws.send(`echo: ${data}`));
  });
});

server.on('connect', (req, socket) => {
  socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
  socket.on('data', (data) => socket.write(`tunnel ${req.url}: ${data}`));
});

module.exports = server;

// A plain node:http app served by tsunicorn: `tsunicorn examples/node-http/app.js -w 2`.
// Export a request listener (or an http.Server, or a factory returning either).

/** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
export default function app(req, res) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/slow') {
    const ms = Number(url.searchParams.get('ms') ?? 2000);
    setTimeout(() => send(res, 200, { slept: ms, pid: process.pid }), ms);
    return;
  }
  if (url.pathname === '/block') {
    const ms = Number(url.searchParams.get('ms') ?? 60_000);
    blockEventLoop(ms);
    return send(res, 200, { blocked: ms, pid: process.pid });
  }
  if (url.pathname === '/crash') {
    setImmediate(() => {
      throw new Error('crash requested');
    });
    return send(res, 200, { crashing: process.pid });
  }
  send(res, 200, { hello: 'world', pid: process.pid, worker: process.env.TSUNICORN_WORKER_ID });
}

/** Spins the event loop: a stand-in for a handler stuck in synchronous work. */
function blockEventLoop(ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy
  }
}

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * The skewed-load benchmark's app: /fast answers at once; /slow?ms=N keeps the worker's event
 * loop busy for N ms, as a CPU-heavy route (a report, an image resize) does.
 */
export default function app(req, res) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/slow') {
    const until = performance.now() + Number(url.searchParams.get('ms') ?? 20);
    while (performance.now() < until) {
      // busy: nothing else runs in this worker meanwhile
    }
  }
  res.end(JSON.stringify({ pid: process.pid }));
}

// The benchmark's app: the smallest JSON answer, so that tsunicorn's own per-request cost is
// as large a share of each request as it can be.
export default function app(_req, res) {
  res.setHeader('content-type', 'application/json');
  res.end('{"ok":true}');
}

/** An ES module app with Node's standalone guard (import.meta.main, Node >= 24.2). */
import http from 'node:http';

const server = http.createServer((_req, res) => {
  res.end(JSON.stringify({ importMetaMain: import.meta.main ?? null }));
});
export default server;

if (import.meta.main) {
  console.log('STANDALONE: import.meta.main');
  server.listen(0);
}

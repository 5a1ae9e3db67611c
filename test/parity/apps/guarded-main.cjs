/** A CommonJS app with both standalone guards; neither may run when a server imports it. */
const http = require('node:http');

const server = http.createServer((_req, res) => {
  res.end(JSON.stringify({ parent: Boolean(module.parent), main: require.main === module }));
});
module.exports = server;

if (require.main === module) {
  console.log('STANDALONE: require.main === module');
  server.listen(0);
}
if (!module.parent) {
  console.log('STANDALONE: !module.parent');
  server.listen(0);
}

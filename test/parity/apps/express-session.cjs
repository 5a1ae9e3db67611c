/**
 * An Express app in the style of the Express repository's examples: express-session, a
 * compressed route, a sub-app mounted with app.use('/x', subApp), and the examples' own
 * standalone guard, which must not run when the app is imported by a server.
 */
const compression = require('compression');
const express = require('express');
const session = require('express-session');

const app = express();
app.use(session({ resave: false, saveUninitialized: false, secret: 'parity secret' }));

app.get('/', (req, res) => {
  let body = '';
  if (req.session.views) {
    ++req.session.views;
  } else {
    req.session.views = 1;
    body += '<p>First time visiting? view this page in several browsers :)</p>';
  }
  res.send(`${body}<p>viewed <strong>${req.session.views}</strong> times.</p>`);
});

app.get('/gz', compression({ threshold: 0 }), (_req, res) => {
  res.type('text').send('compressible text, '.repeat(2000));
});

app.get('/pieces', (_req, res) => {
  res.write('first piece\n');
  setImmediate(() => res.end('second piece\n'));
});

const sub = express();
sub.get('/', (req, res) => res.json({ baseUrl: req.baseUrl, originalUrl: req.originalUrl, mountpath: sub.mountpath }));
sub.get('/items/:id', (req, res) => res.json({ id: req.params.id, baseUrl: req.baseUrl }));
app.use('/x', sub);

module.exports = app;

/* istanbul ignore next */
if (!module.parent) {
  app.listen(3000);
  console.log('STANDALONE: Express started on port 3000');
}

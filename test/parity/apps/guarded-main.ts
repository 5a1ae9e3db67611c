/** A TypeScript app (an enum, a parameter property) with the CommonJS standalone guards. */
import http from 'node:http';

enum Answer {
  Yes = 'yes',
}

class Reporter {
  constructor(private readonly answer: Answer) {}
  report() {
    return { answer: this.answer, parent: Boolean(module.parent), main: require.main === module };
  }
}

const reporter = new Reporter(Answer.Yes);
const server = http.createServer((_req, res) => res.end(JSON.stringify(reporter.report())));
export default server;

if (require.main === module || !module.parent) {
  console.log('STANDALONE: TypeScript entry');
  server.listen(0);
}

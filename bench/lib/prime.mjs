/**
 * Priming: the same requests for every route of an app, sent to every contender before it is
 * measured. A server in production has served its routes; an app whose routes have run holds
 * more of itself (the Express example's /report module keeps 20,000 rows) and has wider type
 * feedback than one that has only served the measured route. tsunicorn's warm-up has run every
 * route already, so without priming the other contenders would be measured on an app that has
 * loaded less of itself.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';

/** How many times each priming request reaches each worker (tsunicorn's warm-up-hits default). */
export const PRIME_HITS = 3;

/** The requests of bench/throughput/express-requests.json: one or more for every route of the Express example. */
export const expressRequests = JSON.parse(readFileSync(new URL('../throughput/express-requests.json', import.meta.url), 'utf8'));

/**
 * Sends each request as a client that uses every route would, on a new connection each time,
 * PRIME_HITS times per worker, so that round-robin spreads them over every worker. A response
 * of 500 or more, or none, fails the run: the priming would not have run the route.
 */
export async function prime(port, workers, requests = []) {
  for (const { method, url, headers = {}, body } of requests) {
    for (let hit = 0; hit < PRIME_HITS * workers; hit++) {
      const status = await new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method, path: url, headers, agent: false, timeout: 10_000 }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        });
        req.on('timeout', () => req.destroy(new Error('no response in 10 s')));
        req.on('error', reject);
        req.end(body);
      }).catch((err) => {
        throw new Error(`priming ${method} ${url}: ${err.message}`);
      });
      if (status >= 500) throw new Error(`priming ${method} ${url}: HTTP ${status}`);
    }
  }
}

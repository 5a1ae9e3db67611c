/**
 * `node bench/metrics/overhead.mjs` — what metrics add to each request, in ns of CPU, measured
 * without the network: the request counter's start stamp plus the publish on Node's
 * `http.server.response.finish` channel with our subscriber (Node builds and publishes that
 * message only when someone subscribes), against the same loop without them. Prints one line
 * of JSON; run.mjs puts it beside the throughput figures.
 */
import { channel } from 'node:diagnostics_channel';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

const { RequestMetrics } = await import(fileURLToPath(new URL('../../packages/core/dist/worker/request-metrics.js', import.meta.url)));

const N = 200_000;
const finish = channel('http.server.response.finish');
const socket = new Socket();
const req = new IncomingMessage(socket);

/** ns per request of `body` over N fresh responses (a response is built per request in Node too). */
function measure(body) {
  const responses = Array.from({ length: N }, () => new ServerResponse(req));
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) body(responses[i]);
  return Number(process.hrtime.bigint() - start) / N;
}

const off = (res) => {
  // What Node does when nobody subscribes: one check.
  if (finish.hasSubscribers) finish.publish({ request: req, response: res, socket, server: null });
};
let metrics = null;
const on = (res) => {
  metrics.started(res);
  res.statusCode = 200;
  if (finish.hasSubscribers) finish.publish({ request: req, response: res, socket, server: null });
};

// Off first: once subscribed, the channel stays subscribed for this process.
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const offRuns = Array.from({ length: 7 }, () => measure(off));
metrics = new RequestMetrics();
const onRuns = Array.from({ length: 7 }, () => measure(on));
const result = { offNs: Math.round(median(offRuns)), onNs: Math.round(median(onRuns)) };
console.log(JSON.stringify({ ...result, addedNsPerRequest: result.onNs - result.offNs }));
process.exit(0);

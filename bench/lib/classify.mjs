/**
 * The outcome classes every request of a benchmark falls into. A failed request is never
 * retried and never dropped from the count: the point of a reload benchmark is to see each one.
 */

/** Outcome classes, in the order tables print them. Index = the code stored per request. */
export const OUTCOMES = ['success', 'non-2xx', 'reset', 'refused', 'timeout', 'other'];

/** Outcome code by name: `OUTCOME.reset` → 2. */
export const OUTCOME = Object.freeze(Object.fromEntries(OUTCOMES.map((name, code) => [name, code])));

/** The failure classes (every outcome but success). */
export const FAILURES = OUTCOMES.slice(1);

// A peer closing or resetting a connection under a request surfaces differently depending on
// the moment: ECONNRESET/EPIPE while writing, "socket hang up" (also ECONNRESET) when the socket
// closes before a response, "aborted" when it closes mid-body, "other side closed" in undici.
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'ERR_STREAM_PREMATURE_CLOSE']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** The outcome code of an HTTP status. */
export function classifyStatus(status) {
  return status >= 200 && status < 300 ? OUTCOME.success : OUTCOME['non-2xx'];
}

/** The outcome code of a request error (from node:http or undici). */
export function classifyError(err) {
  const code = err?.code ?? err?.cause?.code;
  if (code === 'ECONNREFUSED') return OUTCOME.refused;
  if (TIMEOUT_CODES.has(code)) return OUTCOME.timeout;
  if (RESET_CODES.has(code) || /socket hang up|other side closed|aborted/i.test(err?.message ?? '')) return OUTCOME.reset;
  return OUTCOME.other;
}

/** A short description of a request error, for failure samples: "ECONNRESET socket hang up". */
export function describeError(err) {
  const code = err?.code ?? err?.cause?.code;
  return [code, err?.message].filter(Boolean).join(' ');
}

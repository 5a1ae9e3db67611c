/**
 * Two independent HTTP load generators behind one call: wrk (C, event loop, one thread) and
 * hey (Go, one goroutine per connection), both from Debian (`apt-get install wrk hey`). A
 * generator's own pacing can add or hide stalls, so a figure that matters is checked with both.
 *
 * Each runs as a child process without blocking this one, so the servers' output pipes are read
 * meanwhile: a server that logs into a full pipe would wait on it.
 *
 * @example
 *   const result = await runLoad('wrk', 'http://127.0.0.1:8000/health', { seconds: 5, connections: 50, close: false });
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The generators by name. */
export const GENERATORS = ['wrk', 'hey'];

/**
 * @typedef {object} LoadRun
 * @property {number} rps       Requests per second.
 * @property {number} requests  Responses counted.
 * @property {number} p50       Latency in ms.
 * @property {number} p99       Latency in ms.
 * @property {string | null} errors  The generator's own error summary, or null.
 * @property {number} non2xx    Responses with another status.
 */

/**
 * One load run.
 * @param {'wrk' | 'hey'} generator
 * @param {string} url
 * @param {{ seconds: number, connections: number, close?: boolean, headers?: Record<string, string> }} options
 *   `close`: a new connection per request; `headers`: sent with every request.
 * @returns {Promise<LoadRun>}
 */
export async function runLoad(generator, url, { seconds, connections, close = false, headers = {} }) {
  const timeout = (seconds + 30) * 1000;
  const headerArgs = Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
  if (generator === 'wrk') {
    const args = [
      '-t1',
      `-c${connections}`,
      `-d${seconds}s`,
      '--latency',
      ...(close ? ['-H', 'Connection: close'] : []),
      ...headerArgs,
      url,
    ];
    return parseWrk((await run('wrk', args, { encoding: 'utf8', timeout })).stdout);
  }
  if (generator === 'hey') {
    // -cpus 1: one core, as wrk's one thread, so that both leave the servers the same share.
    const args = [
      '-z',
      `${seconds}s`,
      '-c',
      String(connections),
      '-cpus',
      '1',
      ...(close ? ['-disable-keepalive'] : []),
      ...headerArgs,
      url,
    ];
    return parseHey((await run('hey', args, { encoding: 'utf8', timeout, maxBuffer: 16 * 1024 * 1024 })).stdout);
  }
  throw new Error(`unknown load generator ${generator}: expected one of ${GENERATORS.join(', ')}`);
}

/** Whether the generator is installed (both are optional: apt-get install wrk hey). */
export function isInstalled(generator) {
  try {
    execFileSync(generator, generator === 'wrk' ? ['--version'] : ['-h'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    // wrk --version and hey -h print and exit non-zero; only a missing binary is ENOENT.
    return err.code !== 'ENOENT';
  }
}

/** The generator's version, for a report. */
export function generatorVersion(generator) {
  // hey has no version flag; Debian's package says which it is.
  if (generator === 'hey') return `hey ${debianVersion('hey')}`;
  try {
    return execFileSync(generator, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0];
  } catch (err) {
    // wrk prints its version and exits 1.
    return String(err.stdout ?? '').split('\n')[0] || generator;
  }
}

function debianVersion(name) {
  try {
    return execFileSync('dpkg-query', ['-W', `-f=${'$'}{Version}`, name], { encoding: 'utf8' });
  } catch {
    return '(version unknown)';
  }
}

function parseWrk(out) {
  const unit = (value, u) => Number(value) * { us: 0.001, ms: 1, s: 1000 }[u];
  const latency = (p) => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    return m ? unit(m[1], m[2]) : Number.NaN;
  };
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN),
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? 0),
    p50: latency(50),
    p99: latency(99),
    errors: /Socket errors: (.*)/.exec(out)?.[1] ?? null,
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
  };
}

function parseHey(out) {
  const latency = (p) => Number(new RegExp(`\\s${p}% in ([\\d.]+) secs`).exec(out)?.[1] ?? Number.NaN) * 1000;
  const statuses = [...out.matchAll(/\[(\d{3})\]\s+(\d+) responses/g)].map((m) => ({ status: Number(m[1]), count: Number(m[2]) }));
  const errorLines = /Error distribution:\n([\s\S]*)$/.exec(out)?.[1].trim();
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN),
    requests: statuses.reduce((sum, s) => sum + s.count, 0),
    p50: latency(50),
    p99: latency(99),
    errors: errorLines ? `${errorLines.split('\n').length} kinds of error` : null,
    non2xx: statuses.filter((s) => s.status >= 300).reduce((sum, s) => sum + s.count, 0),
  };
}

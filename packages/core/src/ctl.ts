/**
 * `tsunicorn ctl COMMAND` — talks to a running master over its control socket
 * (--control-socket): status [--json], reload, scale N, stop [--quick], reopen-logs. Each
 * command waits for the master's answer, sent once the action has finished or failed, and
 * exits 0, 6 (the master refused or the action failed, with the reason on stderr) or 7 (no
 * master answers on the socket).
 */
import { connect } from 'node:net';
import { parseArgs } from 'node:util';
import { TsuError } from './errors.js';
import type { ControlAnswer, ControlRequest } from './master/control-socket.js';
import { loadSettingsFrom } from './master/main.js';
import type { ServerStatus } from './master/server-status.js';
import { parseArgv } from './settings/argv.js';

const usage = 'usage: tsunicorn ctl status [--json] | reload | scale N | stop [--quick] | reopen-logs [--control-socket PATH] [-c CONFIG]';

/** Runs one ctl command; resolves with the process exit code. */
export async function runCtl(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const { values, positionals } = parseCtlArgs(argv);
  const request = toRequest(positionals, values.quick === true);
  const path = values['control-socket'] ?? (await configuredSocket(values.config));
  const answer = await ask(path, request);
  if (!answer.ok) throw new TsuError('TSU_ERR_CTL_FAILED', answer.message);
  if (request.cmd === 'status') {
    const status = answer.status as ServerStatus;
    process.stdout.write(values.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
  } else {
    process.stdout.write(`${answer.message}\n`);
  }
  return 0;
}

function parseCtlArgs(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        'control-socket': { type: 'string' },
        config: { type: 'string', short: 'c' },
        json: { type: 'boolean' },
        quick: { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new TsuError('TSU_ERR_USAGE', `${(err as Error).message}; ${usage}`);
  }
}

function toRequest(positionals: string[], quick: boolean): ControlRequest {
  const [cmd, arg, ...rest] = positionals;
  if (rest.length > 0 || (arg !== undefined && cmd !== 'scale'))
    throw new TsuError('TSU_ERR_USAGE', `unexpected argument "${rest[0] ?? arg}"; ${usage}`);
  switch (cmd) {
    case 'status':
    case 'reload':
    case 'reopen-logs':
      return { cmd };
    case 'stop':
      return { cmd, quick };
    case 'scale': {
      const workers = Number(arg);
      if (!Number.isInteger(workers) || workers < 1)
        throw new TsuError('TSU_ERR_USAGE', `scale needs a worker count of 1 or more, got "${arg ?? ''}"; ${usage}`);
      return { cmd, workers };
    }
    default:
      throw new TsuError('TSU_ERR_USAGE', cmd === undefined ? `no command given; ${usage}` : `unknown ctl command "${cmd}"; ${usage}`);
  }
}

/** The control socket the config (file or environment) names, when no --control-socket is given. */
async function configuredSocket(config: string | undefined): Promise<string> {
  const argv = parseArgv(config ? ['-c', config] : []);
  const { settings } = await loadSettingsFrom({ argv, cwd: process.cwd() });
  if (settings.controlSocket === null) {
    throw new TsuError('TSU_ERR_USAGE', 'no control socket: pass --control-socket PATH (the master must run with --control-socket)');
  }
  return settings.controlSocket;
}

/** Sends one request and waits for the answer, however long the action takes. */
function ask(path: string, request: ControlRequest): Promise<ControlAnswer> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect(path);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        new TsuError(
          'TSU_ERR_CTL_UNREACHABLE',
          `no master answers on control socket ${path} (${err.code ?? err.message}); is it running with --control-socket ${path}?`,
        ),
      ),
    );
    socket.on('end', () => {
      try {
        resolve(JSON.parse(text) as ControlAnswer);
      } catch {
        reject(new TsuError('TSU_ERR_CTL_UNREACHABLE', `the master on ${path} closed the connection without an answer`));
      }
    });
  });
}

/** `ctl status` as a table, like `pm2 status`. */
export function formatStatus(status: ServerStatus): string {
  const head = `master ${status.pid}  gen ${status.generation}  ${status.state}${status.stopRequested ? ' (stop requested)' : ''}${status.reloading ? ' (reloading)' : ''}  workers ${status.workers.filter((w) => w.phase === 'ready').length}/${status.target}  up ${seconds(status.uptimeMs)}  waiting ${status.waitingConnections}\n`;
  const rows = status.workers.map((w) => [
    String(w.slot),
    String(w.pid),
    String(w.generation),
    w.phase,
    String(w.requests),
    w.rss === null ? '-' : `${Math.round(w.rss / 1024 / 1024)}MB`,
    seconds(w.uptimeMs),
    w.warmup ? `${w.warmup.hits} hits, first ${w.warmup.firstMs} ms, last ${w.warmup.lastMs} ms` : '-',
  ]);
  return head + table([['SLOT', 'PID', 'GEN', 'PHASE', 'REQUESTS', 'RSS', 'UPTIME', 'LAST WARM-UP'], ...rows]);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map(
      (r) =>
        `${r
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}

function seconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`;
}

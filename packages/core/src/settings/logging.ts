import type { LogFormat, LogLevel } from '../logger.js';
import { optionalStr, str } from './define.js';

/** The default access log format: Apache's combined format plus the request time in ms. */
export const DEFAULT_ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms';

/** The error and access logs. */
export const loggingSettings = {
  logLevel: str<LogLevel>({
    restart: true,
    section: 'logging',
    cli: ['--log-level'],
    env: 'TSUNICORN_LOG_LEVEL',
    choices: ['debug', 'info', 'warning', 'error', 'critical'],
    default: 'info',
    doc: 'Lowest level written to the error log.',
  }),
  errorLogfile: str({
    restart: true,
    section: 'logging',
    cli: ['--error-logfile', '--log-file'],
    env: 'TSUNICORN_ERROR_LOGFILE',
    meta: 'FILE',
    nonEmpty: true,
    default: '-',
    doc: 'Error log file; "-" is stderr. USR1 reopens it.',
  }),
  accessLogfile: optionalStr({
    section: 'logging',
    cli: ['--access-logfile'],
    env: 'TSUNICORN_ACCESS_LOGFILE',
    meta: 'FILE',
    default: null,
    defaultDoc: 'none (off, at no cost)',
    doc: 'Access log file; "-" is stdout. USR1 reopens it.',
  }),
  accessLogFormat: str({
    section: 'logging',
    cli: ['--access-log-format', '--access-logformat'],
    env: 'TSUNICORN_ACCESS_LOG_FORMAT',
    meta: 'FORMAT',
    default: DEFAULT_ACCESS_LOG_FORMAT,
    doc: 'Access log line format, with gunicorn’s atoms: %(h)s remote address, %(t)s time, %(r)s request line, %(m)s method, %(U)s path, %(q)s query, %(H)s protocol, %(s)s status, %(b)s response length, %(f)s referer, %(a)s user agent, %(D)s µs, %(M)s ms, %(L)s s, %(p)s worker pid, %({name}i)s request header, %({name}o)s response header.',
  }),
  logFormat: str<LogFormat>({
    restart: true,
    section: 'logging',
    cli: ['--log-format'],
    env: 'TSUNICORN_LOG_FORMAT',
    choices: ['text', 'json'],
    default: 'text',
    doc: 'Error and access log lines as text, or as one JSON object per line with pino-compatible fields (time, level, pid, worker, generation, msg).',
  }),
} as const;

import { closeSync, openSync, writeSync } from 'node:fs';

/** Log levels, lowest first; a line below the configured level is not written. */
export type LogLevel = 'debug' | 'info' | 'warning' | 'error' | 'critical';

/** How the error and access logs are written: gunicorn's text, or one JSON object per line. */
export type LogFormat = 'text' | 'json';

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warning: 30, error: 40, critical: 50 };

type LogFn = (message: string) => void;

/** The error log: `[time] [pid] [LEVEL] message`, the lines gunicorn users grep for. */
export interface Logger {
  readonly debug: LogFn;
  readonly info: LogFn;
  readonly warning: LogFn;
  readonly error: LogFn;
  readonly critical: LogFn;
  /** Whether debug lines are written; callers skip building costly debug text otherwise. */
  readonly debugEnabled: boolean;
  /** Reopens the log file (USR1, after logrotate moved it). */
  reopen(): void;
  close(): void;
}

const noop: LogFn = () => {};

/** Formats a timestamp like gunicorn: `2026-11-22 08:00:00 +0000`. */
export function formatTimestamp(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const local = new Date(date.getTime() + offset * 60_000);
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
  return `${local.toISOString().slice(0, 19).replace('T', ' ')} ${zone}`;
}

/** Which worker a log line comes from; a master's lines carry none. */
export interface LogIdentity {
  readonly worker: number;
  readonly generation: number;
}

/** pino's numeric levels, so pino-pretty and log shippers read our JSON lines as pino's. */
const pinoLevel: Record<string, number> = { DEBUG: 20, INFO: 30, WARNING: 40, ERROR: 50, CRITICAL: 60 };

/** One JSON log line with pino's field names (time in ms since the epoch, numeric level, msg). */
export function jsonLine(level: number, fields: Record<string, unknown>, msg: string): string {
  return `${JSON.stringify({ level, time: Date.now(), pid: process.pid, ...fields, msg })}\n`;
}

/**
 * Creates the error log writing to `file` ("-" is stderr). Writes are synchronous so that a
 * line logged just before a crash or an exit is never lost; the error log is not on the
 * request path. Levels below `level` are no-op functions. `identity`: the worker whose lines
 * these are (or a tag for the text lines). `format` 'json' writes one JSON
 * object per line (see jsonLine) instead of gunicorn's text.
 */
export function createLogger(file: string, level: LogLevel, identity?: LogIdentity | string, format: LogFormat = 'text'): Logger {
  let fd = openLog(file);
  // A string is a free tag for the text lines (`[warmup-report]`).
  const tag = typeof identity === 'string' ? ` ${identity}` : identity ? ` [worker ${identity.worker}, gen ${identity.generation}]` : '';
  const fields = typeof identity === 'object' ? { worker: identity.worker, generation: identity.generation } : {};
  const formatLine =
    format === 'json'
      ? (name: string, message: string) => jsonLine(pinoLevel[name]!, fields, message)
      : (name: string, message: string) => `[${formatTimestamp(new Date())}] [${process.pid}] [${name}]${tag} ${message}\n`;
  const write = (name: string) => (message: string) => {
    try {
      writeSync(fd, formatLine(name, message));
    } catch {
      // A closed or full log must never take the server down.
    }
  };
  const at = (name: LogLevel): LogFn => (levelRank[name] >= levelRank[level] ? write(name.toUpperCase()) : noop);
  return {
    debug: at('debug'),
    info: at('info'),
    warning: at('warning'),
    error: at('error'),
    critical: at('critical'),
    debugEnabled: levelRank.debug >= levelRank[level],
    reopen() {
      if (file === '-') return;
      const old = fd;
      fd = openLog(file);
      closeSync(old);
    },
    close() {
      if (file !== '-') closeSync(fd);
    },
  };
}

function openLog(file: string): number {
  return file === '-' ? 2 : openSync(file, 'a');
}

import { isIP } from 'node:net';
import { SettingValueError } from './define.js';

/** A parsed bind address: a TCP host and port, or a Unix socket path. */
export type BindAddress =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly text: string }
  | { readonly kind: 'unix'; readonly path: string; readonly text: string };

/**
 * Parses `HOST:PORT`, `[IPv6]:PORT`, `:PORT` (all interfaces), `PORT`, or `unix:PATH`,
 * the same forms gunicorn accepts.
 *
 * @example parseBind('0.0.0.0:8000') // { kind: 'tcp', host: '0.0.0.0', port: 8000, ... }
 */
export function parseBind(raw: string): BindAddress {
  const text = raw.trim();
  if (text.startsWith('unix:')) {
    const path = text.slice('unix:'.length);
    if (path === '') throw new SettingValueError(`"${raw}" has no socket path after "unix:"`);
    return { kind: 'unix', path, text };
  }
  const { host, port: portText } = splitHostPort(text, raw);
  const port = parsePort(portText, raw);
  return { kind: 'tcp', host, port, text: formatTcp(host, port) };
}

function splitHostPort(text: string, raw: string): { host: string; port: string } {
  if (/^\d+$/.test(text)) return { host: '0.0.0.0', port: text };
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    const host = text.slice(1, end);
    if (end < 0 || isIP(host) !== 6 || text[end + 1] !== ':') {
      throw new SettingValueError(`"${raw}" is not a valid [IPv6]:PORT address`);
    }
    return { host, port: text.slice(end + 2) };
  }
  const colon = text.lastIndexOf(':');
  if (colon < 0) throw new SettingValueError(`"${raw}" has no port (use HOST:PORT, [IPv6]:PORT or unix:PATH)`);
  if (text.indexOf(':') !== colon) {
    throw new SettingValueError(`"${raw}" looks like an IPv6 address: write it as [ADDRESS]:PORT`);
  }
  return { host: text.slice(0, colon) || '0.0.0.0', port: text.slice(colon + 1) };
}

function parsePort(port: string, raw: string): number {
  const n = Number(port);
  if (!/^\d+$/.test(port) || n > 65535) {
    throw new SettingValueError(`"${raw}" has an invalid port "${port}" (use 0-65535)`);
  }
  return n;
}

/** Formats a TCP address the way it is written in a bind setting. */
export function formatTcp(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

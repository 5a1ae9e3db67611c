import { createServer, type RequestListener, Server } from 'node:http';
import type { Adapter } from './contract.js';

/**
 * The adapter for plain Node apps: a request listener `(req, res)`, an `http.Server`, or a
 * factory returning either. There are no routes to discover: configure `warmupRequests`.
 */
export function nodeAdapter(app: RequestListener | Server | (() => RequestListener | Server | Promise<RequestListener | Server>)): Adapter {
  return {
    name: 'node',
    async build() {
      const value = app instanceof Server || app.length >= 2 ? app : await (app as () => RequestListener | Server)();
      const server = value instanceof Server ? value : createServer(value as RequestListener);
      return { server, routes: () => [], close: async () => {} };
    },
  };
}

/**
 * The server timeouts that the keepAlive, requestTimeout and headersTimeout settings set on a
 * node:http or Express app's server. A value the app set on its own server object (say
 * `server.keepAliveTimeout = 65_000`, to outlive a load balancer's idle timeout) is what plain
 * listen() would use, so it is kept unless the setting is given a value other than its default.
 */
import { Server } from 'node:http';
import { type SettingName, type Settings, settingsTable } from '../settings/index.js';

type TimeoutProperty = 'keepAliveTimeout' | 'requestTimeout' | 'headersTimeout';

const timeouts: readonly (readonly [TimeoutProperty, SettingName & ('keepAlive' | 'requestTimeout' | 'headersTimeout')])[] = [
  ['keepAliveTimeout', 'keepAlive'],
  ['requestTimeout', 'requestTimeout'],
  ['headersTimeout', 'headersTimeout'],
];

/** What this Node version gives a new server, to tell an app's own values from defaults. */
const nodeDefaults = (() => {
  const server = new Server();
  return { keepAliveTimeout: server.keepAliveTimeout, requestTimeout: server.requestTimeout, headersTimeout: server.headersTimeout };
})();

/** Sets each timeout from the settings, but where the app chose its own and the setting is at its default. */
export function applyServerTimeouts(server: Server, settings: Settings): void {
  for (const [property, name] of timeouts) {
    const ms = settings[name] * 1000;
    const given = ms !== (settingsTable[name].default as number) * 1000;
    // Written only when it changes: V8 keeps a field it has seen written once as a constant, as
    // it is on a server that plain listen() serves; writing the same value again loses that.
    if ((given || server[property] === nodeDefaults[property]) && server[property] !== ms) server[property] = ms;
  }
  // Node rejects a headers timeout longer than the request timeout.
  if (server.requestTimeout > 0 && server.headersTimeout > server.requestTimeout) server.headersTimeout = server.requestTimeout;
}

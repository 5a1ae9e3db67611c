/**
 * The PM2 contender's app script (cluster mode, `wait_ready: true`): listen, then tell PM2 it is
 * ready; on SIGINT (how PM2 stops a process) close the server and exit — the graceful shutdown
 * PM2's documentation recommends. PM2 kills the process after `kill_timeout` if it is still
 * alive then.
 */
import { appEnvironment, listenApp } from './app-server.mjs';

const { appPath, port } = appEnvironment();
const server = await listenApp(appPath, port);
process.send?.('ready');

process.once('SIGINT', () => {
  server.close(() => process.exit(0));
});

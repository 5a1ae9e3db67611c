/**
 * Which process serves a connection, found from the client's side with `ss` (Linux). Used only
 * to check that the connections opened up front landed on different workers; where `ss` is
 * missing the answer is null and round-robin is trusted.
 */
import { execFileSync } from 'node:child_process';

/** The pid of the one process holding the server end of `socket`, or null when unknown. */
export function serverPidOf(socket) {
  const filter = `sport = :${socket.remotePort} and dport = :${socket.localPort}`;
  let out;
  try {
    out = execFileSync('ss', ['-tnpH', 'state', 'established', filter], { encoding: 'utf8', timeout: 5000 });
  } catch {
    return null;
  }
  const pids = new Set([...out.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])));
  return pids.size === 1 ? [...pids][0] : null;
}

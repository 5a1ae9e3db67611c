/**
 * How much CPU the machine spent during a measurement, split into "ours" (this process, the
 * servers under test and everything they started) and "foreign" (everything else). On a small
 * shared machine a benchmark's numbers mean little if something else ate the cores meanwhile;
 * the foreign share says so. Linux only (/proc); elsewhere every figure is NaN.
 *
 * @example
 *   const meter = startCpuMeter(() => [serverPid]);
 *   // … measure …
 *   const { foreignPct } = meter.stop(); // percent of all cores
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Starts measuring. `extraRoots()` returns pids that are ours without being our descendants
 * (a daemon such as PM2's, started detached); this process's own tree is always ours.
 * @returns {{ stop: () => { machinePct: number, oursPct: number, foreignPct: number } }}
 */
export function startCpuMeter(extraRoots = () => []) {
  const before = sample(extraRoots());
  const startedAt = performance.now();
  return {
    stop() {
      const after = sample(extraRoots());
      const capacity = ((performance.now() - startedAt) / 1000) * TICKS_PER_SECOND * availableParallelism();
      const machine = after.machine - before.machine;
      const ours = after.ours - before.ours;
      const pct = (ticks) => (100 * ticks) / capacity;
      return { machinePct: pct(machine), oursPct: pct(ours), foreignPct: pct(Math.max(0, machine - ours)) };
    },
  };
}

/**
 * Waits until the CPU used outside this process tree stays under `thresholdPct` of all cores
 * for one `sampleMs` sample, for at most `maxWaitMs`. Resolves with the last sample's foreign
 * share (the caller decides what to say when the machine never got quiet).
 */
export async function waitForQuietMachine({ thresholdPct = 15, sampleMs = 1000, maxWaitMs = 30_000 } = {}) {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const meter = startCpuMeter();
    await sleep(sampleMs);
    const { foreignPct } = meter.stop();
    if (!(foreignPct >= thresholdPct) || Date.now() >= deadline) return foreignPct;
  }
}

// USER_HZ: the unit of /proc times; 100 on every mainstream Linux build.
const TICKS_PER_SECOND = 100;

function sample(extraRoots) {
  try {
    return { machine: machineBusyTicks(), ours: treeTicks([process.pid, ...extraRoots]) };
  } catch {
    return { machine: Number.NaN, ours: Number.NaN };
  }
}

/** Busy ticks of all CPUs since boot: user, nice, system, irq, softirq, steal. */
function machineBusyTicks() {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return user + nice + system + irq + softirq + steal;
}

/**
 * CPU ticks of the live processes under the roots, each with its reaped children's ticks
 * (cutime/cstime): a process that exits moves its time into its parent's, so the sum only grows.
 */
function treeTicks(roots) {
  const processes = readProcesses();
  const children = new Map();
  for (const p of processes.values()) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const seen = new Set();
  const pending = roots.filter((pid) => processes.has(pid));
  let ticks = 0;
  while (pending.length > 0) {
    const pid = pending.pop();
    if (seen.has(pid)) continue;
    seen.add(pid);
    ticks += processes.get(pid).ticks;
    pending.push(...(children.get(pid) ?? []));
  }
  return ticks;
}

function readProcesses() {
  const processes = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command, which is in parentheses and may contain spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
      processes.set(Number(name), { pid: Number(name), ppid: Number(fields[1]), ticks: utime + stime + cutime + cstime });
    } catch {
      // The process exited between readdir and read.
    }
  }
  return processes;
}

/**
 * What a benchmark ran on, for the results file: cores, CPU model, memory, OS, Node, and the
 * versions of the packages under test.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, release, totalmem, type } from 'node:os';
import { join } from 'node:path';

/** Cores, CPU model, memory, OS and Node version of this machine. */
export function describeMachine() {
  return {
    cores: availableParallelism(),
    cpu: cpuModel(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${release()}`,
    node: process.version,
  };
}

function cpuModel() {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1].trim();
  } catch {}
  return cpus()[0]?.model ?? 'unknown';
}

/**
 * The version of a package as resolved from a directory (its package.json `version`), or
 * 'not installed'. Reads the package.json directly so packages whose `exports` hide it work too.
 */
export function packageVersion(name, fromDir) {
  const require = createRequire(join(fromDir, 'noop.js'));
  for (const base of require.resolve.paths(name) ?? []) {
    try {
      return JSON.parse(readFileSync(join(base, name, 'package.json'), 'utf8')).version;
    } catch {}
  }
  return 'not installed';
}

/** The machine as markdown list items. */
export function machineMarkdown(machine = describeMachine()) {
  return [
    `- Machine: ${machine.cores} cores (\`nproc\`), ${machine.cpu}, ${machine.memoryGiB} GiB RAM, ${machine.os}`,
    `- Node ${machine.node}`,
  ].join('\n');
}

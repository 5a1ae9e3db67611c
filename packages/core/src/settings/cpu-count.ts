import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * The number of CPUs this process may really use: the CPU affinity mask
 * (`os.availableParallelism()`), further capped by a cgroup CPU quota, which is how
 * containers are usually limited (`docker --cpus=2`, Kubernetes `limits.cpu`). The host's
 * core count would overcommit a container and make every worker slower.
 */
export function usableCpuCount(readFile: (path: string) => string = readText): number {
  const quota = cgroupCpuQuota(readFile);
  const affinity = availableParallelism();
  return Math.max(1, quota === null ? affinity : Math.min(affinity, Math.ceil(quota)));
}

/** The cgroup v2 (`cpu.max`) or v1 (`cfs_quota_us`) CPU quota in CPUs, or null when unlimited. */
export function cgroupCpuQuota(readFile: (path: string) => string = readText): number | null {
  const v2 = tryRead(readFile, '/sys/fs/cgroup/cpu.max');
  if (v2 !== null) {
    const [quota, period] = v2.trim().split(/\s+/);
    return quota === 'max' || !quota || !period ? null : Number(quota) / Number(period);
  }
  const quota = tryRead(readFile, '/sys/fs/cgroup/cpu/cpu.cfs_quota_us');
  const period = tryRead(readFile, '/sys/fs/cgroup/cpu/cpu.cfs_period_us');
  if (quota === null || period === null || Number(quota) <= 0) return null;
  return Number(quota) / Number(period);
}

function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

function tryRead(readFile: (path: string) => string, path: string): string | null {
  try {
    return readFile(path);
  } catch {
    return null;
  }
}

import { usableCpuCount } from './cpu-count.js';
import { bytes, int } from './define.js';

/** Worker processes: how many, and when one is recycled. */
export const workerSettings = {
  workers: int({
    section: 'workers',
    cli: ['-w', '--workers'],
    env: 'TSUNICORN_WORKERS',
    min: 1,
    max: 1024,
    default: () => usableCpuCount(),
    defaultDoc:
      'the CPUs this process may use (CPU affinity and cgroup quota respected); when no workers are given, WEB_CONCURRENCY if set',
    doc: 'Number of worker processes. TTIN and TTOU change it at run time.',
  }),
  maxRequests: int({
    section: 'workers',
    cli: ['--max-requests'],
    env: 'TSUNICORN_MAX_REQUESTS',
    min: 0,
    default: 0,
    doc: 'Recycle a worker after it has served this many requests (0: never). A warm replacement starts first.',
  }),
  maxRequestsJitter: int({
    section: 'workers',
    cli: ['--max-requests-jitter'],
    env: 'TSUNICORN_MAX_REQUESTS_JITTER',
    min: 0,
    default: 0,
    doc: 'Each worker adds a random 0..N to max-requests, so workers do not recycle together.',
  }),
  maxMemory: bytes({
    section: 'workers',
    cli: ['--max-memory'],
    env: 'TSUNICORN_MAX_MEMORY',
    default: 0,
    doc: 'Recycle a worker whose resident memory (RSS) exceeds this size, e.g. 512MB (0: never).',
  }),
} as const;

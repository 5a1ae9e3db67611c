/**
 * The candidate closest to `word` by edit distance, if it is close enough to be a likely typo.
 * Short words allow one edit only: with two, `pid` would suggest `bind`.
 */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = maxTypoDistance(word) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function maxTypoDistance(word: string): number {
  if (word.length <= 4) return 1;
  return Math.max(2, Math.floor(word.length / 4));
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * gunicorn options a gunicorn user may type that have no tsunicorn equivalent, with what to
 * do instead. A nearest-name suggestion would mislead there (`--reload` is not `--preload`).
 */
const gunicornOnly: Record<string, string> = {
  reload: 'tsunicorn does not watch files: send HUP to the master for a rolling reload (docs/signals.md)',
  'reload-engine': 'tsunicorn does not watch files: send HUP to the master for a rolling reload (docs/signals.md)',
  'reload-extra-file': 'tsunicorn does not watch files: send HUP to the master for a rolling reload (docs/signals.md)',
  'worker-class': 'tsunicorn has one kind of worker, a Node process with its own event loop',
  k: 'tsunicorn has one kind of worker, a Node process with its own event loop',
  threads: 'a Node worker has one event loop; use --workers to add processes',
  'worker-connections': 'a Node worker has one event loop; use --workers to add processes',
  daemon: 'tsunicorn runs in the foreground: let systemd or the container runtime supervise it (docs/deployment.md)',
  D: 'tsunicorn runs in the foreground: let systemd or the container runtime supervise it (docs/deployment.md)',
  user: 'start tsunicorn as that user (systemd User=, a container USER) instead',
  u: 'start tsunicorn as that user (systemd User=, a container USER) instead',
  group: 'start tsunicorn with that group (systemd Group=, a container USER) instead',
  g: 'start tsunicorn with that group (systemd Group=, a container USER) instead',
  'capture-output': "the workers' stdout and stderr already go to the master's",
  'log-config': 'use --error-logfile, --log-level and --access-logfile',
  'log-syslog': 'log to stderr ("-") and let journald or the container runtime collect it',
  'forwarded-allow-ips': "trusting X-Forwarded-* headers is the framework's setting (Express: app.set('trust proxy'))",
  keyfile: 'tsunicorn has no TLS settings: terminate TLS at a proxy, an ingress or a load balancer',
  certfile: 'tsunicorn has no TLS settings: terminate TLS at a proxy, an ingress or a load balancer',
  'limit-request-line':
    "Node limits the request line and headers itself: start tsunicorn with node --max-http-header-size=BYTES (the workers inherit Node's flags)",
  'limit-request-fields':
    "Node limits the request line and headers itself: start tsunicorn with node --max-http-header-size=BYTES (the workers inherit Node's flags)",
  'limit-request-field_size':
    "Node limits the request line and headers itself: start tsunicorn with node --max-http-header-size=BYTES (the workers inherit Node's flags)",
  'worker-tmp-dir': 'tsunicorn workers report to the master over IPC, not through a temporary file',
};

/** Why a gunicorn option does not apply to tsunicorn, or undefined for any other option. */
export function gunicornOnlyOption(name: string): string | undefined {
  return Object.hasOwn(gunicornOnly, name) ? gunicornOnly[name] : undefined;
}

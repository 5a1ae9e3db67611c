/**
 * Fills a route path's parameters with values, for warm-up requests synthesised from route
 * metadata. Knows the path syntaxes of the frameworks (`:id`, `:id(\\d+)`, `:id?`, `*`,
 * `*name`, `{/:optional}`), not the frameworks.
 */

/** A UUID (version 4 layout) that UUID validators accept. */
export const SAMPLE_UUID = '00000000-0000-4000-8000-000000000000';

/** Candidate values for a parameter, guessed from its name; the most likely first. */
export function guessParameterValues(name: string): string[] {
  const n = name.toLowerCase();
  if (n.includes('uuid') || n === 'guid') return [SAMPLE_UUID, '1'];
  if (n === 'id' || n.endsWith('id') || n.endsWith('_id') || n === 'page' || n === 'n' || n.endsWith('number') || n.endsWith('count')) {
    return ['1', SAMPLE_UUID, 'warmup'];
  }
  if (n.includes('date') || n === 'day') return ['2024-01-01', '1'];
  if (n.includes('year')) return ['2024', '1'];
  if (n.includes('email')) return ['warmup@example.com'];
  if (n.includes('lang') || n.includes('locale')) return ['en', 'en-US'];
  return ['warmup', '1', SAMPLE_UUID];
}

/** One parameter of a path: its name, and the RegExp it is constrained to, if any. */
export interface PathParameter {
  readonly name: string;
  readonly pattern?: RegExp;
  /** `*` and `*name`: any rest of the path. */
  readonly wildcard: boolean;
}

const PARAM = /:([\w$]+)(\((?:\\.|[^)])*\))?\??|\*([\w$]*)/g;

/** The parameters a path declares, in order. */
export function pathParameters(path: string): PathParameter[] {
  const found: PathParameter[] = [];
  for (const m of path.matchAll(PARAM)) {
    if (m[0].startsWith('*')) found.push({ name: m[3] || '*', wildcard: true });
    else found.push({ name: m[1]!, wildcard: false, ...(m[2] ? { pattern: safeAnchored(m[2].slice(1, -1)) } : {}) });
  }
  return found;
}

/**
 * The path with each parameter replaced by `valueFor(parameter)` (URL-encoded), optional
 * groups `{…}` kept with their content and a `(regexp)` constraint dropped.
 */
export function fillPath(path: string, valueFor: (param: PathParameter) => string): string {
  const params = pathParameters(path);
  let i = 0;
  const filled = path.replace(PARAM, () => {
    const param = params[i++]!;
    const value = valueFor(param);
    return param.wildcard ? value.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(value);
  });
  return filled.replace(/[{}]/g, '') || '/';
}

/** The guess for a parameter that fits its constraint, else the first guess. */
export function guessParameter(param: PathParameter, attempt = 0): string {
  if (param.wildcard) return 'warmup';
  const guesses = guessParameterValues(param.name);
  const fitting = param.pattern ? guesses.filter((g) => param.pattern!.test(g)) : guesses;
  const pool = fitting.length > 0 ? fitting : [...guesses, '1', 'a'];
  return pool[Math.min(attempt, pool.length - 1)]!;
}

function safeAnchored(source: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${source})$`);
  } catch {
    return undefined;
  }
}

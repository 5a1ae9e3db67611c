/**
 * Builders for the settings table. A setting is declared once, with its CLI flags, its
 * environment variable, how to read it from a string (CLI, env) and how to check a value
 * from a config file. Everything else — the CLI parser, `defineConfig()`'s type, validation
 * and docs/settings.md — is derived from these declarations.
 */

export const sections = {
  server: 'Server socket',
  workers: 'Worker processes',
  timeouts: 'Timeouts',
  warmup: 'Warm-up',
  reload: 'Reload and stop',
  app: 'Application',
  process: 'Process naming and files',
  logging: 'Logging',
  operations: 'Operations: health, metrics, control',
  privileges: 'Privileges, proxies and request limits',
  hooks: 'Server hooks',
} as const;

export type Section = keyof typeof sections;

/**
 * How a resolved value reaches a worker process. `json`: the master's checked value, sent in
 * the worker's environment. `config-file`: a value JSON cannot carry (functions), which the
 * worker takes from the same config file or listen() options and checks again.
 */
export type Crossing = 'json' | 'config-file';

/** Thrown by a setting's checks; config resolution adds the setting's name and source. */
export class SettingValueError extends Error {}

/**
 * One row of the settings table. `In` is what a config file may give, `Out` what the
 * resolved, frozen settings hold.
 */
export interface SettingSpec<In, Out> {
  readonly section: Section;
  /** CLI flags, long first is not required: `['-w', '--workers']`. None: config file only. */
  readonly cli?: readonly string[];
  /** Whether the CLI flag takes no value (`--preload`). */
  readonly flag?: boolean;
  /** Whether the CLI flag may be given several times, each adding one item. */
  readonly repeatable?: boolean;
  /** Name of the value in --help and the docs: `INT`, `ADDRESS`. */
  readonly meta?: string;
  /** Environment variable that sets it, besides TSUNICORN_CMD_ARGS. */
  readonly env?: string;
  /** Default value (already in its resolved form), or a function computing it. */
  readonly default: Out | (() => Out);
  /** How the default reads in the docs when it is computed. */
  readonly defaultDoc?: string;
  readonly doc: string;
  /** Reads a string from the CLI or the environment. Throws SettingValueError. */
  readonly fromString: (raw: string) => In;
  /** Checks and converts a value from any source. Throws SettingValueError. */
  readonly check: (value: unknown) => Out;
  /** How the value reaches a worker; `json` when not given. */
  readonly crossing?: Crossing;
  /**
   * Read once, when the master starts (sockets it binds, files it opens, the user it checks): a
   * changed value reaches the server on a restart (a USR2 upgrade inherits the listening sockets,
   * so not `bind` and `backlog`). A HUP keeps the old one.
   */
  readonly restart?: boolean;
  /** Phantom marker for the config-file type; never set at run time. */
  readonly __in?: In;
}

type Common<Out> = {
  section: Section;
  crossing?: Crossing;
  restart?: boolean;
  cli?: readonly string[];
  env?: string;
  meta?: string;
  default: Out | (() => Out);
  defaultDoc?: string;
  doc: string;
};

const fail = (message: string): never => {
  throw new SettingValueError(message);
};

function parseNumber(raw: string): number {
  const n = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(n)) fail(`"${raw}" is not a number`);
  return n;
}

/** A whole number within bounds. */
export function int(opts: Common<number> & { min?: number; max?: number }): SettingSpec<number, number> {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = opts;
  return {
    meta: 'INT',
    ...opts,
    fromString: parseNumber,
    check(value) {
      if (typeof value !== 'number' || !Number.isInteger(value)) fail(`${JSON.stringify(value)} is not a whole number`);
      const n = value as number;
      if (n < min || n > max) fail(`${n} is out of range (${min}..${max})`);
      return n;
    },
  };
}

/** A duration in seconds (fractions allowed); 0 may mean "off" where the doc says so. */
export function seconds(opts: Common<number> & { min?: number }): SettingSpec<number, number> {
  const { min = 0 } = opts;
  return {
    meta: 'SECONDS',
    ...opts,
    fromString: parseNumber,
    check(value) {
      if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${JSON.stringify(value)} is not a number of seconds`);
      if ((value as number) < min) fail(`${value} is below the minimum of ${min}`);
      return value as number;
    },
  };
}

/** A string, optionally from a fixed set of choices. */
export function str<T extends string = string>(opts: Common<T> & { choices?: readonly T[]; nonEmpty?: boolean }): SettingSpec<T, T> {
  const check = (value: unknown): T => {
    if (typeof value !== 'string') return fail(`${JSON.stringify(value)} is not a string`);
    if (opts.nonEmpty && value.trim() === '') fail('it must not be empty');
    if (opts.choices && !opts.choices.includes(value as T)) {
      fail(`"${value}" is not one of: ${opts.choices.join(', ')}`);
    }
    return value as T;
  };
  return { meta: opts.choices ? opts.choices.join('|').toUpperCase() : 'STRING', ...opts, fromString: (raw) => raw as T, check };
}

/** A string that may be unset (null). */
export function optionalStr(opts: Common<string | null>): SettingSpec<string | null, string | null> {
  return {
    meta: 'STRING',
    ...opts,
    fromString: (raw) => raw,
    check(value) {
      if (value === null || value === undefined) return null;
      if (typeof value !== 'string' || value === '') return fail(`${JSON.stringify(value)} is not a non-empty string`);
      return value;
    },
  };
}

/** An on/off switch. On the CLI `--name` turns it on and `--no-name` off. */
export function bool(opts: Common<boolean>): SettingSpec<boolean, boolean> {
  return {
    ...opts,
    flag: true,
    fromString(raw) {
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on', ''].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      return fail(`"${raw}" is not a boolean (use true or false)`);
    },
    check(value) {
      if (typeof value !== 'boolean') fail(`${JSON.stringify(value)} is not true or false`);
      return value as boolean;
    },
  };
}

/**
 * A list given as an array in a config file, as a repeated flag on the CLI, or
 * comma-separated in the environment. `item` converts and checks each entry.
 */
export function list<Out>(
  opts: Common<readonly Out[]> & { item: (raw: string) => Out; env?: string },
): SettingSpec<string | readonly string[], readonly Out[]> {
  const { item, ...rest } = opts;
  return {
    meta: 'VALUE',
    ...rest,
    repeatable: true,
    fromString: (raw) => raw,
    check(value) {
      const items = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(items)) return fail(`${JSON.stringify(value)} is not a string or an array of strings`);
      return Object.freeze(
        items.map((entry: unknown, i) => {
          if (typeof entry !== 'string') return fail(`item ${i} (${JSON.stringify(entry)}) is not a string`);
          return item(entry);
        }),
      );
    },
  };
}

/** A value only a config file can give (functions, structured lists). */
export function configOnly<In, Out>(
  opts: Omit<Common<Out>, 'cli' | 'env' | 'meta'> & { check: (value: unknown) => Out },
): SettingSpec<In, Out> {
  return {
    ...opts,
    fromString: () => fail('it can only be set in a config file'),
  };
}

/** How a setting's value reaches a worker (see `Crossing`). */
export function crossingOf(spec: SettingSpec<unknown, unknown>): Crossing {
  return spec.crossing ?? 'json';
}

/** A byte size: a number of bytes or a string like `512MB`, `1.5G`. 0 means off. */
export function bytes(opts: Common<number>): SettingSpec<number | string, number> {
  const units: Record<string, number> = { '': 1, B: 1, K: 1024, KB: 1024, M: 1024 ** 2, MB: 1024 ** 2, G: 1024 ** 3, GB: 1024 ** 3 };
  const parse = (raw: string): number => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw);
    const factor = m ? units[m[2]!.toUpperCase()] : undefined;
    if (!m || factor === undefined) return fail(`"${raw}" is not a size (use bytes or a unit: 512MB, 1G)`);
    return Math.round(Number(m[1]) * factor);
  };
  return {
    meta: 'SIZE',
    ...opts,
    fromString: (raw) => raw,
    check(value) {
      if (typeof value === 'string') return parse(value);
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) fail(`${JSON.stringify(value)} is not a size`);
      return value as number;
    },
  };
}

/** A function (or a list of functions) given in a config file: a server hook. */
export function hook<F extends (...args: never[]) => unknown>(opts: { doc: string }): SettingSpec<F | readonly F[], readonly F[]> {
  return configOnly<F | readonly F[], readonly F[]>({
    section: 'hooks',
    crossing: 'config-file',
    default: Object.freeze([]) as readonly F[],
    defaultDoc: 'none',
    doc: opts.doc,
    check(value) {
      const fns = Array.isArray(value) ? value : [value];
      for (const fn of fns) if (typeof fn !== 'function') fail(`${typeof fn} is not a function`);
      return Object.freeze(fns) as readonly F[];
    },
  });
}

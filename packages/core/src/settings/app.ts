import { bool, configOnly, list, optionalStr, SettingValueError } from './define.js';

function checkEnvPair(raw: string): readonly [string, string] {
  const eq = raw.indexOf('=');
  if (eq <= 0) throw new SettingValueError(`"${raw}" is not KEY=VALUE`);
  return [raw.slice(0, eq), raw.slice(eq + 1)] as const;
}

/** The application: what to serve and how to load it. */
export const appSettings = {
  app: optionalStr({
    section: 'app',
    env: 'TSUNICORN_APP',
    meta: 'MODULE[:EXPORT]',
    default: null,
    defaultDoc: 'none (the APP argument of the CLI)',
    doc: 'The app to serve: a module path and an optional export name (default export, then `app`). The CLI takes it as its argument.',
  }),
  adapterOptions: configOnly<Record<string, unknown>, Readonly<Record<string, unknown>>>({
    section: 'app',
    crossing: 'config-file',
    default: Object.freeze({}),
    defaultDoc: '{}',
    doc: "Options for the framework adapter (e.g. Nest's `{ platform: 'fastify', lazyModules }`); see the adapter's README. The same rule holds for every adapter, with the CLI and with `listen()`: the options given in code, with these over them key by key (the config file wins), checked once by the adapter.",
    check(value) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SettingValueError('it must be an object');
      return Object.freeze({ ...(value as Record<string, unknown>) });
    },
  }),
  preload: bool({
    section: 'app',
    cli: ['--preload'],
    env: 'TSUNICORN_PRELOAD',
    default: false,
    doc: 'Import the app once in the master before forking, so a broken app fails once, before any worker starts.',
  }),
  chdir: optionalStr({
    restart: true,
    section: 'app',
    cli: ['--chdir'],
    env: 'TSUNICORN_CHDIR',
    meta: 'DIR',
    default: null,
    defaultDoc: 'none',
    doc: 'Change to this directory before loading the app.',
  }),
  env: list<readonly [string, string]>({
    section: 'app',
    cli: ['-e', '--env'],
    meta: 'KEY=VALUE',
    item: checkEnvPair,
    default: Object.freeze([]),
    defaultDoc: '[]',
    doc: 'Set an environment variable in the workers. Repeat for several.',
  }),
} as const;

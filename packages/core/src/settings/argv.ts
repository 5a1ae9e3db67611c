import { parseArgs } from 'node:util';
import { TsuError } from '../errors.js';
import { type SettingName, settingEntries } from './index.js';
import { gunicornOnlyOption, nearest } from './suggest.js';

/** A setting's raw value as the CLI or the environment gave it. */
export type RawValue = string | readonly string[] | boolean;

/** What the command line asked for. */
export interface ParsedArgv {
  /** Settings given on the command line, still raw. */
  readonly settings: Partial<Record<SettingName, RawValue>>;
  readonly configPath?: string;
  readonly checkConfig: boolean;
  readonly printConfig: boolean;
  readonly help: boolean;
  readonly version: boolean;
}

type OptionSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };

/** CLI options that are not settings. */
const commandOptions: Record<string, OptionSpec> = {
  config: { type: 'string', short: 'c' },
  'check-config': { type: 'boolean' },
  'print-config': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
};

interface FlagTable {
  options: Record<string, OptionSpec>;
  /** parseArgs option name → setting name, and whether it is a `--no-` negation. */
  owners: Map<string, { setting: SettingName; negated: boolean }>;
}

function buildFlagTable(): FlagTable {
  const options: Record<string, OptionSpec> = { ...commandOptions };
  const owners = new Map<string, { setting: SettingName; negated: boolean }>();
  for (const [name, spec] of settingEntries()) {
    const flags = spec.cli ?? [];
    const short = flags.find((f) => /^-[^-]$/.test(f))?.slice(1);
    const longs = flags.filter((f) => f.startsWith('--')).map((f) => f.slice(2));
    longs.forEach((long, i) => {
      const type = spec.flag ? 'boolean' : 'string';
      options[long] = { type, ...(i === 0 && short ? { short } : {}), ...(spec.repeatable ? { multiple: true } : {}) };
      owners.set(long, { setting: name, negated: false });
      if (spec.flag) {
        options[`no-${long}`] = { type: 'boolean' };
        owners.set(`no-${long}`, { setting: name, negated: true });
      }
    });
  }
  return { options, owners };
}

let flagTable: FlagTable | undefined;

/**
 * Parses `tsunicorn [options] [APP]`. The APP argument sets the `app` setting. Unknown
 * options are an error naming the nearest known one.
 */
export function parseArgv(argv: readonly string[]): ParsedArgv {
  flagTable ??= buildFlagTable();
  const { values, positionals } = parseOrExplain(argv, flagTable.options);
  const settings: Partial<Record<SettingName, RawValue>> = {};
  for (const [option, value] of Object.entries(values)) {
    const owner = flagTable.owners.get(option);
    if (!owner || value === undefined) continue;
    settings[owner.setting] = owner.negated ? !value : (value as RawValue);
  }
  if (positionals.length > 1) {
    const flag = flagGivenValue(argv, flagTable.options);
    if (flag) throw flagValueError(flag.option, `${flag.option} ${flag.value}`, flagTable.options);
    throw new TsuError('TSU_ERR_USAGE', `expected one APP argument, got ${positionals.length}: ${positionals.join(' ')}`);
  }
  if (positionals[0] !== undefined) settings.app = positionals[0];
  return {
    settings,
    ...(typeof values.config === 'string' ? { configPath: values.config } : {}),
    checkConfig: values['check-config'] === true,
    printConfig: values['print-config'] === true,
    help: values.help === true,
    version: values.version === true,
  };
}

function parseOrExplain(argv: readonly string[], options: Record<string, OptionSpec>) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    const message = (err as Error).message;
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(message)?.[1];
    if (unknown) {
      const name = unknown.replace(/^-+/, '').replace(/=.*$/, '');
      const gunicorn = gunicornOnlyOption(name);
      if (gunicorn) throw new TsuError('TSU_ERR_USAGE', `option ${unknown} is gunicorn's, not tsunicorn's: ${gunicorn}`);
      const hint = nearest(name, Object.keys(options));
      throw new TsuError('TSU_ERR_USAGE', `unknown option ${unknown}${hint ? ` (did you mean --${hint}?)` : ''}; see tsunicorn --help`);
    }
    const valued = /Option '(--[^'\s]+)[^']*' does not take an argument/.exec(message)?.[1];
    const given = valued && argv.find((arg) => arg.startsWith(`${valued}=`));
    if (valued && given) throw flagValueError(valued, given, options);
    throw new TsuError('TSU_ERR_USAGE', `${message}; see tsunicorn --help`);
  }
}

/** How a boolean setting is often mistakenly given a value on the command line. */
const BOOLEAN_WORD = /^(true|false|yes|no|on|off|0|1)$/i;

/**
 * `--warmup-routes false`: parseArgs reads the word after a flag as a positional, which would
 * otherwise surface as a puzzling second APP argument.
 */
function flagGivenValue(argv: readonly string[], options: Record<string, OptionSpec>): { option: string; value: string } | null {
  for (let i = 0; i + 1 < argv.length; i++) {
    const name = /^--([^=]+)$/.exec(argv[i]!)?.[1];
    if (name && options[name]?.type === 'boolean' && BOOLEAN_WORD.test(argv[i + 1]!)) return { option: argv[i]!, value: argv[i + 1]! };
  }
  return null;
}

/** A flag given a value: says how to turn it on and, where it has one, off. */
function flagValueError(option: string, given: string, options: Record<string, OptionSpec>): TsuError {
  const name = option.replace(/^--/, '');
  const off = options[`no-${name}`] ? ` and --no-${name} to turn it off` : '';
  return new TsuError('TSU_ERR_USAGE', `${option} is a flag and takes no value (got "${given}"): write ${option} to turn it on${off}`);
}

/** Splits a TSUNICORN_CMD_ARGS string into arguments, honouring single and double quotes. */
export function splitCommandLine(text: string): string[] {
  const args: string[] = [];
  const re = /"((?:\\.|[^"\\])*)"|'([^']*)'|([^\s'"]+)/g;
  let current: string | null = null;
  let lastEnd = -1;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const piece = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3] ?? '');
    // Adjacent pieces with no space between them form one argument: --bind="a b".
    if (current !== null && m.index === lastEnd) current += piece;
    else {
      if (current !== null) args.push(current);
      current = piece;
    }
    lastEnd = m.index + m[0].length;
  }
  if (current !== null) args.push(current);
  return args;
}

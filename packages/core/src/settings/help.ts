import { type Section, type SettingSpec, type Settings, sections, settingEntries } from './index.js';
import type { SettingSource } from './resolve.js';

/** `tsunicorn --help`, grouped by section, from the settings table. */
export function helpText(): string {
  const lines = [
    'Usage: tsunicorn [options] APP',
    '       tsunicorn warmup-report [options] APP   (build and warm APP once, print the warm-up report, exit)',
    '',
    'APP is path/to/module[:export]: a request listener, an http.Server or a factory returning one,',
    'or an Express, Fastify or Nest app (with @tsunicorn/express, /fastify or /nest installed).',
    '',
    'Options:',
    row('-c, --config FILE', 'Config file (default: tsunicorn.config.{ts,mts,js,mjs,cjs} in the working directory).'),
    row('--check-config', 'Check the settings, import the app and check its export and adapter options; exit 0 when valid.'),
    row('--print-config', 'Print every resolved setting and where it came from (default, file, env, cli), and exit.'),
    row('-h, --help', 'Show this help.'),
    row('-v, --version', 'Show the version.'),
  ];
  for (const [section, title] of Object.entries(sections) as [Section, string][]) {
    const rows = settingEntries().filter(([, s]) => s.section === section && s.cli);
    if (rows.length === 0) continue;
    lines.push('', `${title}:`);
    for (const [, spec] of rows) lines.push(row(flagsOf(spec), spec.doc));
  }
  lines.push('', 'Every setting can also be set in the config file; docs/settings.md lists them all.', '');
  return lines.join('\n');
}

/** How a setting's flags read: `-w, --workers INT`. */
export function flagsOf(spec: SettingSpec<unknown, unknown>): string {
  const flags = (spec.cli ?? []).join(', ');
  return spec.flag ? `${flags} / --no-${spec.cli!.at(-1)!.slice(2)}` : `${flags} ${spec.meta ?? 'VALUE'}`;
}

function row(left: string, doc: string): string {
  return left.length >= 30 ? `  ${left}\n${' '.repeat(32)}${doc}` : `  ${left.padEnd(30)}${doc}`;
}

/**
 * `--print-config`: every setting with its resolved value and, when known, where the value
 * came from: `# default`, `# file PATH`, `# env NAME`, `# cli --flag` (`# code` for listen()).
 */
export function printConfig(settings: Settings, sources?: Readonly<Record<string, SettingSource>>): string {
  const rows = Object.entries(settings).map(([name, value]) => [`${name.padEnd(20)} = ${formatValue(value)}`, sources?.[name]] as const);
  const width = Math.min(60, Math.max(...rows.map(([left]) => left.length)));
  return `${rows.map(([left, source]) => (source ? `${left.padEnd(width)}  # ${describeSource(source)}` : left)).join('\n')}\n`;
}

function describeSource(source: SettingSource): string {
  switch (source.kind) {
    case 'default':
      return 'default';
    case 'platform':
      return `env ${source.detail} (a default: anything else given wins)`;
    case 'code':
      return 'code (listen() options)';
    case 'file':
      return source.detail.replace(/^config /, '');
    default:
      return `${source.kind} ${source.detail}`;
  }
}

function formatValue(value: unknown): string {
  if (typeof value === 'function') return '<function>';
  if (Array.isArray(value) && value.every((v) => typeof v === 'object' && v !== null && 'text' in v)) {
    return JSON.stringify(value.map((v: { text: string }) => v.text));
  }
  if (Array.isArray(value) && value.some((v) => typeof v === 'function')) return `[${value.length} function(s)]`;
  return JSON.stringify(value);
}

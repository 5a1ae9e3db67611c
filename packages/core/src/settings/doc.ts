import { flagsOf } from './help.js';
import { type Section, type SettingSpec, sections, settingEntries } from './index.js';

/** docs/settings.md, generated from the settings table; a test fails when the file is stale. */
export function settingsMarkdown(): string {
  const out = [
    '# Settings',
    '',
    '<!-- Generated from the settings table by `pnpm docs`. Do not edit by hand. -->',
    '',
    'Every setting can be given in a config file (`tsunicorn.config.{ts,mts,js,mjs,cjs}` or `-c FILE`,',
    'with the camelCase name). Most can also be given on the command line, in their own `TSUNICORN_*`',
    'environment variable, or in `TSUNICORN_CMD_ARGS` (command-line syntax). Precedence, lowest first:',
    "defaults < `PORT` and `WEB_CONCURRENCY` < the options given to an adapter's `listen()` < config file <",
    'environment (`TSUNICORN_*`, then `TSUNICORN_CMD_ARGS`) < command line, so operators can override what the',
    'code says. As in gunicorn, `PORT` (binds `0.0.0.0:$PORT`) and `WEB_CONCURRENCY` (workers) are what a',
    'platform offers as defaults: any bind or worker count given explicitly wins over them.',
    '`tsunicorn --print-config` shows every resolved value and where it came from.',
    '',
    "Durations are in seconds. With Fastify and Nest on Fastify, the app's own server timeouts apply",
    'instead of keepAlive, requestTimeout and headersTimeout; with node:http and Express, a timeout the app set',
    'on its own server object is kept unless the setting is given a value other than its default.',
    '',
    'A HUP re-reads the config file, and the new generation of workers gets every setting from it.',
    'The settings marked _read at start_ are the exception: the master binds, opens or checks them once,',
    'keeps their running value on a HUP and logs which changed; a restart applies them (a USR2 upgrade',
    'inherits the listening sockets, so not `bind` and `backlog`). When a reload is complete, a changed',
    '`workers` resizes the server (a count set with',
    'TTIN, TTOU or `tsunicorn ctl scale` otherwise survives reloads) and a changed `balance` applies.',
    '',
  ];
  for (const [section, title] of Object.entries(sections) as [Section, string][]) {
    const rows = settingEntries().filter(([, s]) => s.section === section);
    out.push(`## ${title}`, '');
    for (const [name, spec] of rows) out.push(...describe(name, spec), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function describe(name: string, spec: SettingSpec<unknown, unknown>): string[] {
  const lines = [`### \`${name}\``, ''];
  if (spec.cli) lines.push(`- Command line: \`${flagsOf(spec)}\``);
  if (spec.env) lines.push(`- Environment: \`${spec.env}\``);
  if (!spec.cli && !spec.env) lines.push('- Config file only');
  if (spec.restart) lines.push('- _Read at start_: a HUP keeps the running value; a restart applies a change');
  lines.push(
    `- Default: ${spec.defaultDoc ?? `\`${JSON.stringify(typeof spec.default === 'function' ? null : spec.default)}\``}`,
    '',
    spec.doc,
  );
  return lines;
}

/**
 * The warm-up report a person reads: a table of the routes (how each was warmed, its first
 * and last hit), the routes left cold and why, and a `warmupRequests` snippet to paste for
 * them. The master prints it once per generation; `tsunicorn warmup-report APP` prints it
 * without serving.
 */
import type { RouteReport, WarmupSummary } from './types.js';

/** The report's lines for one worker's warm-up; empty when the adapter synthesised nothing. */
export function formatWarmupReport(summary: WarmupSummary, title: string): string[] {
  const routes = summary.routes ?? [];
  if (routes.length === 0) return [];
  const cold = routes.filter((r) => r.cold);
  const lines = [`${title}: ${routes.length} routes, ${routes.length - cold.length} warm, ${cold.length} cold`];
  lines.push(...table(routes));
  if (cold.length === 0) return lines;
  lines.push('Routes left cold:');
  for (const r of cold) lines.push(`  ${r.method} ${r.path}: ${r.reason ?? 'not warmed'}`);
  lines.push('To warm them, add to tsunicorn.config.js (fill in values your app accepts):');
  lines.push(...snippet(cold));
  return lines;
}

function table(routes: readonly RouteReport[]): string[] {
  const rows = routes.map((r) => [r.method, r.path, r.mode, r.status === undefined ? '-' : String(r.status), ms(r.firstMs), ms(r.lastMs)]);
  const header = ['METHOD', 'PATH', 'HOW WARMED', 'STATUS', 'FIRST', 'LAST'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const format = (row: readonly string[]) => `  ${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  return [format(header), ...rows.map(format)];
}

function ms(value: number | undefined): string {
  return value === undefined ? '-' : `${value.toFixed(2)} ms`;
}

/** A ready-to-paste `warmupRequests` array for the cold routes, starting from what was tried. */
export function snippet(cold: readonly RouteReport[]): string[] {
  const lines = ['  warmupRequests: ['];
  for (const r of cold) {
    const url = r.url ?? r.path;
    const body = ['POST', 'PUT', 'PATCH'].includes(r.method) ? ', body: {}' : '';
    lines.push(`    { method: '${r.method}', url: ${JSON.stringify(url)}${body} },`);
  }
  lines.push('  ],');
  return lines;
}

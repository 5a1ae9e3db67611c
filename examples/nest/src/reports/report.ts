/**
 * Imported by the reports handler on its first request (`await import('./report.js')`): the
 * lazy import DESIGN.md §2 describes, which warm-up moves out of the first user's request.
 */

export interface ReportLine {
  readonly label: string;
  readonly value: number;
}

/** Renders a small text report, template-like: a title, aligned lines and a total. */
export function renderReport(title: string, lines: readonly ReportLine[]): string {
  const width = Math.max(...lines.map((line) => line.label.length), 5);
  const body = lines.map((line) => `${line.label.padEnd(width)}  ${line.value.toFixed(2).padStart(10)}`);
  const total = lines.reduce((sum, line) => sum + line.value, 0);
  return [title, '='.repeat(title.length), ...body, `${'total'.padEnd(width)}  ${total.toFixed(2).padStart(10)}`, ''].join('\n');
}

/** Deterministic figures for a day, so the report reads the same in every worker. */
export function figuresFor(day: string): ReportLine[] {
  const seed = [...day].reduce((sum, ch) => sum + ch.charCodeAt(0), 0);
  return ['books', 'music', 'games'].map((label, i) => ({ label, value: ((seed * (i + 3)) % 997) / 3 }));
}

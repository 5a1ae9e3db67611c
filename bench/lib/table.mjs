/**
 * Markdown tables with padded columns, readable both in a terminal and rendered.
 */

/**
 * A markdown table. Columns whose header is in `right` are right-aligned (numbers).
 * @param {string[]} headers
 * @param {(string | number)[][]} rows
 */
export function markdownTable(headers, rows, { right = [] } = {}) {
  const cells = rows.map((row) => row.map(String));
  const widths = headers.map((h, i) => Math.max(h.length, 3, ...cells.map((row) => row[i].length)));
  const isRight = headers.map((h) => right.includes(h));
  const pad = (text, i) => (isRight[i] ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const line = (row) => `| ${row.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (isRight[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(headers), rule, ...cells.map(line)].join('\n');
}

/** Milliseconds with a precision that suits their size: 0.84, 12.3, 1250. */
export function formatMs(ms) {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}

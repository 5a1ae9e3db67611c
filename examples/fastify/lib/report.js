/**
 * Sales report. Imported inside the report handlers (`await import('./lib/report.js')`),
 * so the first request that needs it pays for loading and compiling it — unless a warm-up
 * request got there first.
 */
import { createHash } from 'node:crypto';

const REGIONS = ['north', 'south', 'east', 'west'];

/** Deterministic pseudo-random sales for a year, so the report is reproducible. */
function generateSales(year, count) {
  let seed = year * 7919;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const sales = [];
  for (let i = 0; i < count; i++) {
    sales.push({ month: Math.floor(next() * 12) + 1, region: REGIONS[Math.floor(next() * 4)], amountCents: Math.round(next() * 100_000) });
  }
  return sales;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Totals per month and region, percentiles and a digest over `count` sales of `year`. */
export function buildReport(year, count = 5000) {
  const sales = generateSales(year, count);
  const byMonth = Array.from({ length: 12 }, (_, i) => ({ month: i + 1, totalCents: 0, count: 0 }));
  const byRegion = Object.fromEntries(REGIONS.map((r) => [r, 0]));
  for (const sale of sales) {
    byMonth[sale.month - 1].totalCents += sale.amountCents;
    byMonth[sale.month - 1].count++;
    byRegion[sale.region] += sale.amountCents;
  }
  const amounts = sales.map((s) => s.amountCents).sort((a, b) => a - b);
  const digest = createHash('sha256').update(JSON.stringify(byMonth)).digest('hex').slice(0, 16);
  return {
    year,
    sales: sales.length,
    totalCents: amounts.reduce((a, b) => a + b, 0),
    p50Cents: percentile(amounts, 50),
    p95Cents: percentile(amounts, 95),
    byMonth,
    byRegion,
    digest,
  };
}

/** The report as CSV: one line per month. */
export function reportToCsv(report) {
  const lines = ['month,count,total_cents'];
  for (const m of report.byMonth) lines.push(`${m.month},${m.count},${m.totalCents}`);
  return `${lines.join('\n')}\n`;
}

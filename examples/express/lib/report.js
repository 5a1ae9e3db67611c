/**
 * A sales report over a synthetic order book. Loaded on the first request to /report with
 * `await import()`, as apps do with heavy, rarely used code: that first import (reading,
 * compiling and running this module, building the order book) is what warm-up moves out of
 * the first user's request.
 */
import { markLoaded } from './stats.js';

const REGIONS = ['north', 'south', 'east', 'west', 'central'];
const PRODUCTS = ['widget', 'gadget', 'gizmo', 'doohickey', 'sprocket', 'flange'];
const YEARS = [2023, 2024, 2025, 2026];

/** A small deterministic PRNG (mulberry32), so every process builds the same order book. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildOrders(count) {
  const next = random(42);
  const pick = (list) => list[Math.floor(next() * list.length)];
  return Array.from({ length: count }, (_, id) => ({
    id,
    year: pick(YEARS),
    month: 1 + Math.floor(next() * 12),
    region: pick(REGIONS),
    product: pick(PRODUCTS),
    quantity: 1 + Math.floor(next() * 20),
    unitPrice: Math.round((2 + next() * 98) * 100) / 100,
  }));
}

const orders = buildOrders(20_000);

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length));
  return sorted[index];
}

function sumBy(items, key, value) {
  const totals = {};
  for (const item of items) totals[item[key]] = (totals[item[key]] ?? 0) + value(item);
  return totals;
}

const round2 = (n) => Math.round(n * 100) / 100;

/** The years the order book covers. */
export const years = YEARS;

/** Revenue by region, product and month, order value percentiles, for one year or all. */
export function buildReport({ year } = {}) {
  const selected = year === undefined ? orders : orders.filter((o) => o.year === year);
  const value = (o) => o.quantity * o.unitPrice;
  const values = selected.map(value).sort((a, b) => a - b);
  const roundAll = (totals) => Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, round2(v)]));
  return {
    year: year ?? 'all',
    orders: selected.length,
    revenue: round2(values.reduce((a, b) => a + b, 0)),
    byRegion: roundAll(sumBy(selected, 'region', value)),
    byProduct: roundAll(sumBy(selected, 'product', value)),
    byMonth: roundAll(sumBy(selected, 'month', value)),
    orderValue: { p50: round2(percentile(values, 50)), p90: round2(percentile(values, 90)), p99: round2(percentile(values, 99)) },
  };
}

markLoaded('report');

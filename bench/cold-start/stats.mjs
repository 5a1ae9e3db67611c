/** Small statistics helpers for the cold-start benchmark. */

/** The median of a list of numbers (NaN for an empty list). */
export function median(values) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The item with the largest `key(item)`. */
export function maxBy(items, key) {
  return items.reduce((best, item) => (best === undefined || key(item) > key(best) ? item : best), undefined);
}

/** Rounds to `digits` decimals, for tables. */
export function round(value, digits = 1) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

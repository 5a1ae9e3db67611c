/** Imported lazily, inside a handler, as apps do with rarely used modules. */
const rows = Array.from({ length: 200 }, (_, i) => ({ month: (i % 12) + 1, total: (i * 37) % 1000 }));

/** Totals per month for a year. */
export function summarise(year: number): { year: number; months: { month: number; total: number }[] } {
  const byMonth = new Map<number, number>();
  for (const row of rows) byMonth.set(row.month, (byMonth.get(row.month) ?? 0) + row.total);
  return { year, months: [...byMonth].map(([month, total]) => ({ month, total })) };
}

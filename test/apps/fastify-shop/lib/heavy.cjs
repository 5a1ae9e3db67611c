// Required lazily, inside a handler, as apps do with rarely used modules.
const rows = [];
for (let i = 0; i < 200; i++) rows.push({ month: (i % 12) + 1, total: (i * 37) % 1000 });
function summarise(year) {
  const byMonth = new Map();
  for (const row of rows) byMonth.set(row.month, (byMonth.get(row.month) ?? 0) + row.total);
  return { year, months: [...byMonth].map(([month, total]) => ({ month, total })) };
}
module.exports = { summarise };

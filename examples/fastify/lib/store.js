/**
 * A stand-in for a database client: opening it is a side effect that must happen in each
 * worker (never in the tsunicorn master), and closing it is what the app's onClose hook does.
 */
export async function openStore() {
  await new Promise((resolve) => setTimeout(resolve, 5));
  const tables = {
    users: new Map([
      [1, { id: 1, name: 'Ada Lovelace', email: 'ada@example.com' }],
      [2, { id: 2, name: 'Alan Turing', email: 'alan@example.com' }],
      [3, { id: 3, name: 'Grace Hopper', email: 'grace@example.com' }],
    ]),
    products: new Map([
      ['KB-01', { sku: 'KB-01', name: 'Keyboard', category: 'input', priceCents: 4900 }],
      ['MS-02', { sku: 'MS-02', name: 'Mouse', category: 'input', priceCents: 1900 }],
      ['MN-27', { sku: 'MN-27', name: 'Monitor 27"', category: 'display', priceCents: 22900 }],
      ['CB-10', { sku: 'CB-10', name: 'USB-C cable', category: 'cable', priceCents: 900 }],
    ]),
    orders: new Map(),
    items: new Map([[1, { id: 1, title: 'First item', done: false }]]),
  };
  const nextId = { users: 4, orders: 1, items: 2 };
  let open = true;

  return {
    tables,
    insert(table, record) {
      const id = nextId[table]++;
      const row = { ...record, id };
      tables[table].set(id, row);
      return row;
    },
    get isOpen() {
      return open;
    },
    async close() {
      await new Promise((resolve) => setTimeout(resolve, 5));
      open = false;
    },
  };
}

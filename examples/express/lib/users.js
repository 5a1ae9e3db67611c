/** An in-memory user store (per process) with hand-written validation of request bodies. */

const users = new Map([
  [1, { id: 1, name: 'Ada Lovelace', email: 'ada@example.com', role: 'admin' }],
  [2, { id: 2, name: 'Alan Turing', email: 'alan@example.com', role: 'member' }],
  [3, { id: 3, name: 'Grace Hopper', email: 'grace@example.com', role: 'member' }],
]);
let nextId = 4;

const ROLES = ['admin', 'member', 'guest'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Checks a user body. Returns `{ value }` with the clean fields, or `{ errors }` listing each
 * problem. `partial` allows missing fields (PATCH).
 */
export function validateUser(body, { partial = false } = {}) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { errors: ['body must be a JSON object'] };
  const errors = [];
  const value = {};
  const { name, email, role, ...rest } = body;
  for (const key of Object.keys(rest)) errors.push(`unknown field "${key}"`);
  if (name !== undefined || !partial) {
    if (typeof name !== 'string' || name.trim().length < 2 || name.length > 100)
      errors.push('name must be a string of 2 to 100 characters');
    else value.name = name.trim();
  }
  if (email !== undefined || !partial) {
    if (typeof email !== 'string' || !EMAIL.test(email)) errors.push('email must be an email address');
    else value.email = email.toLowerCase();
  }
  if (role !== undefined) {
    if (!ROLES.includes(role)) errors.push(`role must be one of ${ROLES.join(', ')}`);
    else value.role = role;
  }
  return errors.length ? { errors } : { value };
}

export function listUsers() {
  return [...users.values()];
}

export function findUser(id) {
  return users.get(Number(id)) ?? null;
}

/** Builds the new user; `store: false` (a warm-up request) checks and shapes it without saving. */
export function createUser(fields, { store = true } = {}) {
  const user = { id: store ? nextId++ : 0, role: 'member', ...fields };
  if (store) users.set(user.id, user);
  return user;
}

export function updateUser(id, fields) {
  const user = findUser(id);
  if (!user) return null;
  Object.assign(user, fields);
  return user;
}

export function deleteUser(id) {
  return users.delete(Number(id));
}

import { error, idParams, newUser, user, userPatch } from './schemas.js';

/** /users: CRUD on the store, with validation and response schemas. Registered with prefix /users. */
export async function userRoutes(app) {
  const users = app.store.tables.users;
  const notFound = (reply, id) => reply.code(404).send({ error: `user ${id} not found` });

  app.get('/', { schema: { response: { 200: { type: 'array', items: user } } } }, async () => [...users.values()]);

  app.get('/:id', { schema: { params: idParams, response: { 200: user, 404: error } } }, async (request, reply) => {
    return users.get(request.params.id) ?? notFound(reply, request.params.id);
  });

  app.post('/', { schema: { body: newUser, response: { 201: user } } }, async (request, reply) => {
    return reply.code(201).send(app.store.insert('users', request.body));
  });

  app.put('/:id', { schema: { params: idParams, body: newUser, response: { 200: user, 404: error } } }, async (request, reply) => {
    const { id } = request.params;
    if (!users.has(id)) return notFound(reply, id);
    const updated = { ...request.body, id };
    users.set(id, updated);
    return updated;
  });

  app.patch('/:id', { schema: { params: idParams, body: userPatch, response: { 200: user, 404: error } } }, async (request, reply) => {
    const { id } = request.params;
    const current = users.get(id);
    if (!current) return notFound(reply, id);
    const updated = { ...current, ...request.body };
    users.set(id, updated);
    return updated;
  });

  app.delete('/:id', { schema: { params: idParams, response: { 404: error } } }, async (request, reply) => {
    const { id } = request.params;
    if (!users.delete(id)) return notFound(reply, id);
    return reply.code(204).send();
  });
}

import { fileURLToPath } from 'node:url';
import fastifyView from '@fastify/view';
import ejs from 'ejs';

/**
 * HTML pages rendered with @fastify/view and EJS. Each template is compiled on its first
 * render and then cached (in production mode), so a warm-up request renders it early.
 */
export async function pageRoutes(app) {
  await app.register(fastifyView, {
    engine: { ejs },
    root: fileURLToPath(new URL('../views', import.meta.url)),
    // Cache compiled templates unless in development, where they reload on every render.
    production: process.env.NODE_ENV !== 'development',
  });

  app.get('/pages/home', async (_request, reply) => {
    return reply.view('home.ejs', { title: 'Home', pid: process.pid, users: [...app.store.tables.users.values()] });
  });

  app.get(
    '/pages/users/:id',
    { schema: { params: { type: 'object', properties: { id: { type: 'integer' } } } } },
    async (request, reply) => {
      const user = app.store.tables.users.get(request.params.id);
      if (!user) return reply.code(404).view('not-found.ejs', { title: 'Not found', what: `user ${request.params.id}` });
      return reply.view('user.ejs', { title: user.name, user });
    },
  );
}

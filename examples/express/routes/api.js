/** The JSON API, mounted at /api: users, posts, search. */
import express, { Router } from 'express';
import { isWarmup } from '../lib/stats.js';
import { createUser, deleteUser, findUser, listUsers, updateUser, validateUser } from '../lib/users.js';
import { createAdminRouter } from './admin.js';

const posts = [
  { id: 1, userId: 1, title: 'Notes on the Analytical Engine', tags: ['computing', 'history'] },
  { id: 2, userId: 2, title: 'Computing Machinery and Intelligence', tags: ['ai'] },
  { id: 3, userId: 3, title: 'The first compiler', tags: ['computing', 'compilers'] },
];

function validatePost(body) {
  const errors = [];
  if (typeof body?.title !== 'string' || body.title.trim() === '') errors.push('title must be a non-empty string');
  if (!Number.isInteger(body?.userId) || !findUser(body.userId)) errors.push('userId must be the id of a user');
  if (body?.tags !== undefined && (!Array.isArray(body.tags) || body.tags.some((t) => typeof t !== 'string'))) {
    errors.push('tags must be an array of strings');
  }
  return errors;
}

/** Builds the /api router. */
export function createApiRouter({ cache, startedAt }) {
  const api = Router();
  // The JSON parser is the router's own: warm-up finds it at /api and sends it one body.
  api.use(express.json({ limit: '100kb' }));

  api.get('/', (_req, res) => {
    res.json({ resources: ['/api/users', '/api/posts', '/api/search?q=', '/api/version', '/api/admin/config'] });
  });

  api.get('/version', (_req, res) => {
    res.json({ app: 'example-express', node: process.version });
  });

  api.get('/users', (req, res) => {
    const role = req.query.role;
    res.json(role ? listUsers().filter((u) => u.role === role) : listUsers());
  });

  api.get('/users/:id', (req, res) => {
    const user = findUser(req.params.id);
    if (!user) return res.status(404).json({ error: `no user ${req.params.id}` });
    res.json(user);
  });

  api.post('/users', (req, res) => {
    const { value, errors } = validateUser(req.body);
    if (errors) return res.status(400).json({ errors });
    // A warm-up request runs the whole path but stores nothing.
    res.status(201).json(createUser(value, { store: !isWarmup(req) }));
  });

  api.put('/users/:id', (req, res) => {
    const { value, errors } = validateUser(req.body);
    if (errors) return res.status(400).json({ errors });
    const user = updateUser(req.params.id, value);
    if (!user) return res.status(404).json({ error: `no user ${req.params.id}` });
    res.json(user);
  });

  api.patch('/users/:id', (req, res) => {
    const { value, errors } = validateUser(req.body, { partial: true });
    if (errors) return res.status(400).json({ errors });
    const user = updateUser(req.params.id, value);
    if (!user) return res.status(404).json({ error: `no user ${req.params.id}` });
    res.json(user);
  });

  api.delete('/users/:id', (req, res) => {
    if (!deleteUser(req.params.id)) return res.status(404).json({ error: `no user ${req.params.id}` });
    res.status(204).end();
  });

  api.get('/users/:id/posts', (req, res) => {
    res.json(posts.filter((p) => p.userId === Number(req.params.id)));
  });

  api.get('/posts', (req, res) => {
    const tag = req.query.tag;
    res.json(tag ? posts.filter((p) => p.tags.includes(tag)) : posts);
  });

  api.get('/posts/:id', (req, res) => {
    const post = posts.find((p) => p.id === Number(req.params.id));
    if (!post) return res.status(404).json({ error: `no post ${req.params.id}` });
    res.json(post);
  });

  api.post('/posts', (req, res) => {
    const errors = validatePost(req.body);
    if (errors.length) return res.status(400).json({ errors });
    const post = { id: posts.length + 1, userId: req.body.userId, title: req.body.title.trim(), tags: req.body.tags ?? [] };
    if (!isWarmup(req)) posts.push(post);
    res.status(201).json(post);
  });

  api.get('/search', (req, res) => {
    const q = String(req.query.q ?? '').toLowerCase();
    const users = q ? listUsers().filter((u) => u.name.toLowerCase().includes(q)) : [];
    const found = q ? posts.filter((p) => p.title.toLowerCase().includes(q)) : [];
    res.json({ q, users, posts: found });
  });

  api.use('/admin', createAdminRouter({ cache, startedAt }));
  return api;
}

import type { DiscoveredRoute } from '@tsunicorn/core';
import type { FastifyApp } from './fastify-app.js';

/**
 * Reads every route of a ready Fastify app from `printRoutes()`.
 *
 * Fastify 5 has no public route list after `ready()`: the documented way to collect routes is
 * an `onRoute` hook, which must be added before the routes are declared, and an app handed to
 * tsunicorn has declared its root routes already. `printRoutes()` is public and prints the
 * router's own tree, built from every route, plugins and prefixes included. Each node line is
 * a path fragment, and a node that ends a route carries ` (GET, HEAD)` and possibly its
 * constraints; a route's path is its fragments from the root down.
 *
 * The default `commonPrefix: true` is used on purpose: with `false`, find-my-way prints a
 * wildcard node as `*` alone and loses the static part before it (`/static/*`).
 * Parametric nodes shared by routes with different parameter names print as `:id|:userId`;
 * such paths have parameters either way, which is all warm-up needs to know.
 */
export function readRouteTable(app: FastifyApp): DiscoveredRoute[] {
  const routes = new Map<string, DiscoveredRoute>();
  const fragments: string[] = [];
  for (const line of app.printRoutes().split('\n')) {
    const parsed = parseTreeLine(line);
    if (parsed === null) continue;
    if (parsed.isNode) fragments.splice(parsed.depth, fragments.length, parsed.fragment);
    const path = fragments.slice(0, parsed.depth + 1).join('');
    // The same method and path appear once per constraint (version, host): keep one.
    for (const method of parsed.methods) routes.set(`${method} ${path}`, { method, path });
  }
  return [...routes.values()];
}

interface TreeLine {
  /** Nesting level of the node the line belongs to; the root is 0. */
  readonly depth: number;
  /** False for a second route on the same node (another constraint), printed without a branch. */
  readonly isNode: boolean;
  readonly fragment: string;
  readonly methods: readonly string[];
}

const INDENT = ['│   ', '    '];
const BRANCH = ['├── ', '└── '];
/** `fragment (GET, HEAD) {"version":"1.0.0"}`: methods are upper-case tokens, as Fastify allows. */
const ROUTE_SUFFIX = /^(.*?) \(([A-Z][A-Z0-9_-]*(?:, [A-Z][A-Z0-9_-]*)*)\)(?: \{.*\})?$/;

/** Parses one line of find-my-way's pretty-printed tree; null for a line that is not one. */
function parseTreeLine(line: string): TreeLine | null {
  let at = 0;
  let indents = 0;
  while (INDENT.includes(line.slice(at, at + 4))) {
    at += 4;
    indents++;
  }
  const isNode = BRANCH.includes(line.slice(at, at + 4));
  if (isNode) at += 4;
  // A line without a branch is a further route of the node above, indented one level deeper.
  else if (indents === 0) return null;
  const text = line.slice(at);
  if (text === '') return null;
  const route = ROUTE_SUFFIX.exec(text);
  const fragment = route ? (route[1] ?? '') : text;
  return {
    depth: isNode ? indents : indents - 1,
    isNode,
    fragment: fragment === '(empty root node)' ? '' : fragment,
    methods: route?.[2]?.split(', ') ?? [],
  };
}

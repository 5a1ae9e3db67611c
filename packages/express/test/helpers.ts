/**
 * The example app and a plain HTTP client. Building, warming and serving go through
 * `@tsunicorn/core/testing`, which runs the worker's own sequence.
 */
import { type Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { WarmupRequest } from '@tsunicorn/core';
import type { ExpressApp } from '../src/index.js';

export { buildApp as build, memoryLogger, serveApp, warmApp } from '@tsunicorn/core/testing';

/** The example app's directory. */
export const exampleDir = fileURLToPath(new URL('../../../examples/express/', import.meta.url));

interface ExampleModules {
  createApp: () => ExpressApp;
  snapshot: () => ExampleStats;
}

/** What the example's `GET /__stats` returns. */
export interface ExampleStats {
  routes: Record<string, { served: number; warmup: number }>;
  loaded: { report: boolean; ejs: boolean; iconvEncodings: boolean };
}

/** Imports the example app's factory and its counters (the same module instances the app uses). */
export async function importExample(): Promise<ExampleModules> {
  const { createApp } = (await import(`${exampleDir}create-app.js`)) as { createApp: () => ExpressApp };
  const { snapshot } = (await import(`${exampleDir}lib/stats.js`)) as { snapshot: () => ExampleStats };
  return { createApp, snapshot };
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Sends one request to 127.0.0.1:port; the body is sent as is. */
export function send(port: number, req: WarmupRequest, agent: Agent | false = false): Promise<Answer> {
  const body = typeof req.body === 'object' ? JSON.stringify(req.body) : req.body;
  const json = typeof req.body === 'object' ? { 'content-type': 'application/json' } : {};
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, agent, method: req.method ?? 'GET', path: req.url, headers: { ...json, ...req.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    outgoing.setTimeout(10_000, () => outgoing.destroy(new Error(`no answer to ${req.url} within 10 s`)));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

import { Server } from 'node:http';

/** What kind of thing an app module exported. */
export type Framework = 'express' | 'fastify' | 'nest' | 'node-server' | 'node-listener';

type Shape = Record<string | symbol, unknown>;

/**
 * Recognises an exported app by its shape, without importing any framework, so the core
 * can name the adapter package to install when it is missing.
 */
export function detectFramework(value: unknown): Framework | null {
  if (value instanceof Server) return 'node-server';
  if (isExpressApp(value)) return 'express';
  if (isFastifyInstance(value)) return 'fastify';
  if (isNestModule(value) || isNestApplication(value)) return 'nest';
  if (typeof value === 'function' && value.length >= 2) return 'node-listener';
  return null;
}

function isExpressApp(value: unknown): boolean {
  const app = value as Shape;
  return (
    typeof value === 'function' &&
    typeof app.handle === 'function' &&
    typeof app.set === 'function' &&
    typeof app.use === 'function' &&
    'settings' in app
  );
}

function isFastifyInstance(value: unknown): boolean {
  const app = value as Shape;
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof app.ready === 'function' &&
    typeof app.inject === 'function' &&
    typeof app.register === 'function' &&
    'server' in app
  );
}

function isNestApplication(value: unknown): boolean {
  const app = value as Shape;
  return typeof value === 'object' && value !== null && typeof app.getHttpServer === 'function' && typeof app.init === 'function';
}

function isNestModule(value: unknown): boolean {
  if (typeof value !== 'function') return false;
  const reflect = Reflect as unknown as { getMetadataKeys?: (target: unknown) => unknown[] };
  if (typeof reflect.getMetadataKeys !== 'function') return false;
  const keys = reflect.getMetadataKeys(value);
  return ['imports', 'controllers', 'providers'].some((k) => keys.includes(k));
}

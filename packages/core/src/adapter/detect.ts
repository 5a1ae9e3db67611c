/**
 * One set of shape predicates for what an app module may export. The core uses them to pick
 * an adapter without importing any framework (so it can name the package to install when it
 * is missing); the adapter packages use the same predicates, so that what the CLI detects and
 * what an adapter accepts never differ.
 */
import { Server } from 'node:http';

/** What kind of thing an app module exported. */
export type Framework = 'express' | 'fastify' | 'nest' | 'node-server' | 'node-listener';

type Shape = Record<string | symbol, unknown>;

/** The metadata keys `@Module()` sets (Nest's MODULE_METADATA). */
const NEST_MODULE_KEYS = ['imports', 'controllers', 'providers', 'exports'];

/**
 * Recognises an exported app by its shape.
 *
 * @example
 * detectFramework(express()); // 'express'
 * detectFramework((req, res) => res.end()); // 'node-listener'
 */
export function detectFramework(value: unknown): Framework | null {
  if (value instanceof Server) return 'node-server';
  if (isExpressApp(value)) return 'express';
  if (isFastifyInstance(value)) return 'fastify';
  if (isNestModuleClass(value) || isNestApplication(value)) return 'nest';
  if (typeof value === 'function' && value.length >= 2) return 'node-listener';
  return null;
}

/** Whether a value is an Express app (4 or 5): a function with `handle`, `set`, `use` and `settings`. */
export function isExpressApp(value: unknown): boolean {
  if (typeof value !== 'function') return false;
  const app = value as unknown as Shape;
  return typeof app.handle === 'function' && typeof app.set === 'function' && typeof app.use === 'function' && isObject(app.settings);
}

/** Whether a value is a Fastify instance, told by its public methods. */
export function isFastifyInstance(value: unknown): boolean {
  if (!isObject(value) || !('server' in value)) return false;
  const app = value as Shape;
  return ['ready', 'close', 'inject', 'register', 'printRoutes', 'findRoute'].every((name) => typeof app[name] === 'function');
}

/** Whether a value is a Nest HTTP application (created, not necessarily initialised). */
export function isNestApplication(value: unknown): boolean {
  if (!isObject(value)) return false;
  const app = value as Shape;
  return ['getHttpServer', 'getHttpAdapter', 'init', 'close'].every((name) => typeof app[name] === 'function');
}

/**
 * Whether a value is a Nest module class. `@Module({})` with no keys leaves no metadata, and
 * without reflect-metadata loaded none can be read, so any class is taken for a module: a
 * factory is a function, never a class, and calling a class as one fails.
 */
export function isNestModuleClass(value: unknown): boolean {
  if (typeof value !== 'function') return false;
  const reflect = Reflect as unknown as { hasOwnMetadata?: (key: string, target: unknown) => boolean };
  if (typeof reflect.hasOwnMetadata === 'function' && NEST_MODULE_KEYS.some((key) => reflect.hasOwnMetadata!(key, value))) return true;
  return isClass(value);
}

/** Whether a function is an ES class, which cannot be called without `new`. */
export function isClass(value: unknown): boolean {
  return typeof value === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(value));
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

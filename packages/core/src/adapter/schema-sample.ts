/**
 * Builds values that a JSON Schema accepts, for warm-up requests synthesised from a route's
 * schemas (Fastify's route schemas, an OpenAPI document's parameters and bodies). Pure: no
 * framework, no ajv. It covers what route schemas use in practice —
 * `type`, `format`, `enum`, `const`, `default`, `examples`, numeric and length bounds, simple
 * `pattern`s, `$ref` to shared schemas, `allOf`, and the first branch of `oneOf`/`anyOf` — and
 * gives up (returns a plain value the validator may reject) where a schema asks for more;
 * the warm-up engine then tries the next variant and reports the route if none passes.
 */

import { fitLength, sampleForPattern } from './sample-text.js';

/** A JSON Schema, as routes declare them (objects or booleans). */
export type Schema = boolean | { readonly [key: string]: unknown };

/** What sampling needs besides the schema. */
export interface SampleOptions {
  /** Shared schemas by `$id` (`fastify.getSchemas()`), for `$ref: 'user#'` and `'user#/properties/x'`. */
  readonly schemas?: Readonly<Record<string, unknown>>;
  /** The document `#/…` refs resolve against (an OpenAPI document); the schema itself by default. */
  readonly root?: Schema;
  /**
   * 0: the smallest value (required properties only, first enum value, the bound); 1: every
   * declared property; 2: other enum members and `oneOf`/`anyOf` branches.
   */
  readonly variant?: number;
}

interface Walk {
  readonly schemas: Readonly<Record<string, unknown>>;
  readonly variant: number;
  /** The document `#/…` refs resolve against. */
  readonly root: Schema;
  readonly depth: number;
}

/** A value `schema` accepts, as best it can be made. */
export function sampleValue(schema: Schema, options: SampleOptions = {}): unknown {
  return sample(schema, { schemas: options.schemas ?? {}, variant: options.variant ?? 0, root: options.root ?? schema, depth: 0 });
}

/** Distinct values for the variants 0, 1 and 2, in that order. */
export function sampleVariants(schema: Schema, options: SampleOptions = {}): unknown[] {
  const seen = new Set<string>();
  const values: unknown[] = [];
  for (let variant = 0; variant < 3; variant++) {
    const value = sampleValue(schema, { ...options, variant });
    const key = JSON.stringify(value) ?? 'undefined';
    if (seen.has(key)) continue;
    seen.add(key);
    values.push(value);
  }
  return values;
}

const MAX_DEPTH = 12;

function sample(schema: Schema, walk: Walk): unknown {
  if (schema === true || schema === false) return 'warmup';
  if (walk.depth > MAX_DEPTH) return null;
  const s = schema as Record<string, unknown>;
  if (typeof s.$ref === 'string') {
    const target = resolveRef(s.$ref, walk);
    if (target !== undefined) return sample(target.schema, { ...walk, root: target.root, depth: walk.depth + 1 });
  }
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[walk.variant >= 2 ? Math.min(1, s.enum.length - 1) : 0];
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if ('example' in s) return s.example;
  if ('default' in s && walk.variant === 0) return s.default;
  const branches = (s.oneOf ?? s.anyOf) as Schema[] | undefined;
  if (Array.isArray(branches) && branches.length > 0) {
    const branch = branches[walk.variant >= 2 ? Math.min(1, branches.length - 1) : 0]!;
    return sample(mergeSchemas(withoutKeys(s, ['oneOf', 'anyOf']), branch, walk), { ...walk, depth: walk.depth + 1 });
  }
  if (Array.isArray(s.allOf) && s.allOf.length > 0) {
    const merged = (s.allOf as Schema[]).reduce<Record<string, unknown>>(
      (acc, part) => mergeSchemas(acc, part, walk),
      withoutKeys(s, ['allOf']),
    );
    return sample(merged, { ...walk, depth: walk.depth + 1 });
  }
  switch (typeOf(s)) {
    case 'object':
      return sampleObject(s, walk);
    case 'array':
      return sampleArray(s, walk);
    case 'integer':
      return sampleNumber(s, true);
    case 'number':
      return sampleNumber(s, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return sampleString(s);
  }
}

/** The schema's type: the first non-null one of a list, else guessed from its keywords. */
function typeOf(s: Record<string, unknown>): string {
  const type = Array.isArray(s.type) ? (s.type.find((t) => t !== 'null') ?? s.type[0]) : s.type;
  if (typeof type === 'string') return type;
  if (s.properties || s.required || s.additionalProperties !== undefined) return 'object';
  if (s.items || s.minItems !== undefined) return 'array';
  if (s.minimum !== undefined || s.maximum !== undefined || s.multipleOf !== undefined) return 'number';
  return 'string';
}

function sampleObject(s: Record<string, unknown>, walk: Walk): Record<string, unknown> {
  const properties = (s.properties ?? {}) as Record<string, Schema>;
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  const names = walk.variant >= 1 ? [...new Set([...required, ...Object.keys(properties)])] : [...required];
  const value: Record<string, unknown> = {};
  const inner = { ...walk, depth: walk.depth + 1 };
  for (const name of names) value[name] = sample(properties[name] ?? patternSchema(s, name) ?? true, inner);
  const minProperties = typeof s.minProperties === 'number' ? s.minProperties : 0;
  for (const name of Object.keys(properties)) {
    if (Object.keys(value).length >= minProperties) break;
    value[name] ??= sample(properties[name]!, inner);
  }
  return value;
}

function patternSchema(s: Record<string, unknown>, name: string): Schema | undefined {
  const patterns = (s.patternProperties ?? {}) as Record<string, Schema>;
  for (const [pattern, schema] of Object.entries(patterns)) if (safeRegExp(pattern)?.test(name)) return schema;
  return typeof s.additionalProperties === 'object' ? (s.additionalProperties as Schema) : undefined;
}

function sampleArray(s: Record<string, unknown>, walk: Walk): unknown[] {
  const inner = { ...walk, depth: walk.depth + 1 };
  if (Array.isArray(s.prefixItems)) return (s.prefixItems as Schema[]).map((item) => sample(item, inner));
  if (Array.isArray(s.items)) return (s.items as Schema[]).map((item) => sample(item, inner));
  const minItems = typeof s.minItems === 'number' ? s.minItems : 0;
  const count = Math.max(minItems, walk.variant >= 1 ? 1 : 0, minItems === 0 && walk.variant === 0 ? 1 : 0);
  const items = (s.items ?? true) as Schema;
  const values = Array.from({ length: count }, (_, i) => sample(items, { ...inner, variant: s.uniqueItems ? i : walk.variant }));
  if (s.uniqueItems) return values.map((v, i) => (typeof v === 'number' ? v + i : typeof v === 'string' && i > 0 ? `${v}${i}` : v));
  return values;
}

function sampleNumber(s: Record<string, unknown>, integer: boolean): number {
  const num = (key: string) => (typeof s[key] === 'number' ? (s[key] as number) : undefined);
  const exclusiveMin = num('exclusiveMinimum') ?? (s.exclusiveMinimum === true ? num('minimum') : undefined);
  const exclusiveMax = num('exclusiveMaximum') ?? (s.exclusiveMaximum === true ? num('maximum') : undefined);
  const step = num('multipleOf') ?? (integer ? 1 : 0);
  let value = num('minimum') ?? (exclusiveMin !== undefined ? exclusiveMin : Math.min(1, num('maximum') ?? 1));
  if (exclusiveMin !== undefined && value <= exclusiveMin) value = exclusiveMin + (step || 0.5);
  if (step > 0) value = Math.ceil(value / step) * step;
  const max = num('maximum');
  if (max !== undefined && value > max) value = max;
  if (exclusiveMax !== undefined && value >= exclusiveMax) value = exclusiveMax - (step || 0.5);
  return integer ? Math.ceil(value) : value;
}

/** Values for the string formats ajv-formats knows. */
const FORMATS: Readonly<Record<string, string>> = {
  email: 'warmup@example.com',
  'idn-email': 'warmup@example.com',
  uuid: '00000000-0000-4000-8000-000000000000',
  'date-time': '2024-01-01T00:00:00.000Z',
  date: '2024-01-01',
  time: '00:00:00Z',
  'iso-date-time': '2024-01-01T00:00:00.000Z',
  'iso-time': '00:00:00Z',
  duration: 'P1D',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  'uri-reference': '/warmup',
  iri: 'https://example.com/',
  'iri-reference': '/warmup',
  'uri-template': 'https://example.com/{id}',
  hostname: 'example.com',
  'idn-hostname': 'example.com',
  ipv4: '127.0.0.1',
  ipv6: '::1',
  regex: '.*',
  'json-pointer': '/warmup',
  'relative-json-pointer': '0',
  byte: 'd2FybXVw',
  int32: '1',
  int64: '1',
  password: 'warmup-password',
  binary: 'warmup',
};

function sampleString(s: Record<string, unknown>): string {
  const minLength = typeof s.minLength === 'number' ? s.minLength : 0;
  const maxLength = typeof s.maxLength === 'number' ? s.maxLength : Number.POSITIVE_INFINITY;
  const fromFormat = typeof s.format === 'string' ? FORMATS[s.format] : undefined;
  if (fromFormat !== undefined) return fromFormat;
  const pattern = typeof s.pattern === 'string' ? safeRegExp(s.pattern) : null;
  const fit = pattern ? sampleForPattern(pattern, minLength, maxLength) : undefined;
  if (fit !== undefined) return fit;
  return fitLength('warmup', minLength, maxLength);
}

function safeRegExp(source: string): RegExp | null {
  try {
    return new RegExp(source, 'u');
  } catch {
    return null;
  }
}

function withoutKeys(s: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const copy = { ...s };
  for (const key of keys) delete copy[key];
  return copy;
}

/** Merges a part of `allOf` (or a branch) into a schema: properties and required lists join. */
function mergeSchemas(base: Record<string, unknown>, part: Schema, walk: Walk): Record<string, unknown> {
  if (typeof part === 'boolean') return base;
  const resolved = typeof part.$ref === 'string' ? (resolveRef(part.$ref, walk)?.schema ?? part) : part;
  if (typeof resolved === 'boolean') return base;
  const merged: Record<string, unknown> = { ...base, ...resolved };
  if (base.properties || resolved.properties) merged.properties = { ...(base.properties as object), ...(resolved.properties as object) };
  const required = [...((base.required as string[]) ?? []), ...((resolved.required as string[]) ?? [])];
  if (required.length > 0) merged.required = [...new Set(required)];
  return merged;
}

/** `#/definitions/x` in the current document, `id#` and `id#/pointer` in a shared one. */
function resolveRef(ref: string, walk: Walk): { schema: Schema; root: Schema } | undefined {
  const hash = ref.indexOf('#');
  const id = hash === -1 ? ref : ref.slice(0, hash);
  const pointer = hash === -1 ? '' : ref.slice(hash + 1);
  const root = id === '' ? walk.root : (walk.schemas[id] as Schema | undefined);
  if (root === undefined) return undefined;
  const schema = pointer === '' ? root : followPointer(root, pointer);
  return schema === undefined ? undefined : { schema, root };
}

function followPointer(root: Schema, pointer: string): Schema | undefined {
  let at: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return typeof at === 'object' || typeof at === 'boolean' ? (at as Schema) : undefined;
}

/**
 * Warm-up requests from an OpenAPI document (3.0, 3.1, or Swagger 2.0): for each operation, a
 * request its parameters and body accept, from the document's examples or sampled from its
 * schemas (schema-sample.ts), with `$ref`s resolved against the document. An adapter whose
 * framework keeps no schemas (Express) matches these to its routes; a route's own path
 * parameters then no longer have to be guessed by name.
 */
import type { WarmupRequest } from '../types.js';
import { type Schema, sampleValue } from './schema-sample.js';

/** One operation of the document, with up to three requests from the smallest valid one to fuller ones. */
export interface OpenApiOperation {
  /** Upper-case method. */
  readonly method: string;
  /** The full path template with the server's (or Swagger's `basePath`) prefix: `/api/users/{id}`. */
  readonly path: string;
  readonly candidates: readonly WarmupRequest[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

type Json = Readonly<Record<string, unknown>>;

interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly schema?: Schema;
  readonly example?: unknown;
  readonly examples?: unknown;
  readonly [key: string]: unknown;
}

/** Whether `value` looks like an OpenAPI (`openapi: 3.x`) or Swagger (`swagger: '2.0'`) document. */
export function isOpenApiDocument(value: unknown): value is Json {
  if (!isRecord(value) || !isRecord(value.paths)) return false;
  return (typeof value.openapi === 'string' && value.openapi.startsWith('3')) || value.swagger === '2.0';
}

/** Every operation of the document with its warm-up requests; [] for something that is not a document. */
export function openApiOperations(doc: unknown): OpenApiOperation[] {
  if (!isOpenApiDocument(doc)) return [];
  const base = basePathOf(doc);
  const operations: OpenApiOperation[] = [];
  for (const [template, rawItem] of Object.entries(doc.paths as Json)) {
    const item = resolve(doc, rawItem);
    if (!isRecord(item)) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!isRecord(operation)) continue;
      const parameters = mergeParameters(doc, item.parameters, operation.parameters);
      const path = joinBase(base, template);
      operations.push({
        method: method.toUpperCase(),
        path,
        candidates: candidatesFor(doc, method.toUpperCase(), path, parameters, operation),
      });
    }
  }
  return operations;
}

/**
 * A path reduced to its shape, so that an Express path and an OpenAPI template can be compared:
 * every parameter (`:id`, `:id(\\d+)`, `:id?`, `*rest`, `{id}`) becomes `{}`, and a trailing slash goes.
 */
export function pathShape(path: string): string {
  const shape = path
    .replace(/\{[^}/]+\}/g, '{}')
    .replace(/:[A-Za-z_$][\w$]*(\([^)]*\))?\??/g, '{}')
    .replace(/\*[A-Za-z_$][\w$]*/g, '{}');
  return shape.length > 1 ? shape.replace(/\/$/, '') : shape;
}

function candidatesFor(doc: Json, method: string, path: string, parameters: Parameter[], operation: Json): WarmupRequest[] {
  const seen = new Set<string>();
  const candidates: WarmupRequest[] = [];
  for (let variant = 0; variant < 3; variant++) {
    const request = requestFor(doc, method, path, parameters, operation, variant);
    const key = JSON.stringify(request);
    if (seen.has(key)) continue;
    seen.add(key);
    candidates.push(request);
  }
  return candidates;
}

function requestFor(doc: Json, method: string, template: string, parameters: Parameter[], operation: Json, variant: number): WarmupRequest {
  const valueFor = (param: Parameter) => parameterValue(doc, param, variant);
  const url = template.replace(/\{([^}/]+)\}/g, (_, name: string) => {
    const param = parameters.find((p) => p.in === 'path' && p.name === name);
    return encodeURIComponent(String(param ? valueFor(param) : 1));
  });
  const query = new URLSearchParams();
  for (const param of parameters.filter((p) => p.in === 'query' && (p.required || variant >= 1))) {
    appendQuery(query, param.name, valueFor(param));
  }
  const headers: Record<string, string> = {};
  for (const param of parameters.filter((p) => p.in === 'header' && (p.required || variant >= 1))) {
    headers[param.name.toLowerCase()] = String(valueFor(param));
  }
  const search = query.toString();
  const request: WarmupRequest = { method, url: search ? `${url}?${search}` : url };
  const body = bodyFor(doc, parameters, operation, variant);
  if (body === undefined) return Object.keys(headers).length > 0 ? { ...request, headers } : request;
  return { ...request, headers: { ...headers, 'content-type': body.type }, body: body.text };
}

function appendQuery(query: URLSearchParams, name: string, value: unknown): void {
  if (Array.isArray(value)) for (const item of value) query.append(name, String(item));
  else if (isRecord(value)) for (const [key, item] of Object.entries(value)) query.append(key, String(item));
  else query.append(name, String(value));
}

/** The value of one parameter: its example, else a sample of its schema (Swagger 2: the parameter is the schema). */
function parameterValue(doc: Json, param: Parameter, variant: number): unknown {
  const example = exampleOf(doc, param);
  if (example !== undefined && variant === 0) return example;
  const { name: _name, in: _in, required: _required, description: _description, ...asSchema } = param;
  const schema = param.schema ?? (asSchema as Schema);
  return sampleValue(schema, { root: doc as Schema, variant });
}

/** `example`, or the first of `examples` (OpenAPI 3: named Example objects; 3.1 schemas: an array). */
function exampleOf(doc: Json, holder: Json): unknown {
  if (holder.example !== undefined) return holder.example;
  const examples = holder.examples;
  if (Array.isArray(examples)) return examples[0];
  if (!isRecord(examples)) return undefined;
  const first = resolve(doc, Object.values(examples)[0]);
  return isRecord(first) ? first.value : undefined;
}

/** A JSON body (or a form body) the operation accepts; undefined when it takes none this adapter can build. */
function bodyFor(doc: Json, parameters: Parameter[], operation: Json, variant: number): { type: string; text: string } | undefined {
  const requestBody = resolve(doc, operation.requestBody);
  if (isRecord(requestBody) && isRecord(requestBody.content)) {
    const content = requestBody.content as Json;
    const type = Object.keys(content).find(isJsonType) ?? Object.keys(content).find((t) => t === 'application/x-www-form-urlencoded');
    const media = type ? content[type] : undefined;
    if (!type || !isRecord(media)) return undefined;
    const example = exampleOf(doc, media);
    const value =
      example !== undefined && variant === 0 ? example : sampleValue((media.schema ?? {}) as Schema, { root: doc as Schema, variant });
    return { type, text: isJsonType(type) ? JSON.stringify(value) : formBody(value) };
  }
  // Swagger 2.0: an `in: body` parameter, or `formData` ones.
  const body = parameters.find((p) => p.in === 'body');
  if (body) {
    const value = exampleOf(doc, body) ?? sampleValue(body.schema ?? {}, { root: doc as Schema, variant });
    return { type: 'application/json', text: JSON.stringify(value) };
  }
  const form = parameters.filter((p) => p.in === 'formData' && (p.required || variant >= 1));
  if (form.length === 0) return undefined;
  return {
    type: 'application/x-www-form-urlencoded',
    text: formBody(Object.fromEntries(form.map((p) => [p.name, parameterValue(doc, p, variant)]))),
  };
}

function formBody(value: unknown): string {
  const form = new URLSearchParams();
  if (isRecord(value)) for (const [key, item] of Object.entries(value)) appendQuery(form, key, item);
  return form.toString();
}

function isJsonType(type: string): boolean {
  const bare = type.split(';')[0]!.trim().toLowerCase();
  return bare === 'application/json' || bare.endsWith('+json');
}

/** Path-level parameters with the operation's own over them (same name and place), `$ref`s resolved. */
function mergeParameters(doc: Json, shared: unknown, own: unknown): Parameter[] {
  const byKey = new Map<string, Parameter>();
  for (const list of [shared, own]) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const param = resolve(doc, raw);
      if (isRecord(param) && typeof param.name === 'string' && typeof param.in === 'string')
        byKey.set(`${param.in} ${param.name}`, param as Parameter);
    }
  }
  return [...byKey.values()];
}

/** The path prefix operations are served under: the first server's URL path (OpenAPI 3), `basePath` (Swagger 2). */
function basePathOf(doc: Json): string {
  if (typeof doc.basePath === 'string') return doc.basePath;
  const server = Array.isArray(doc.servers) ? doc.servers[0] : undefined;
  if (!isRecord(server) || typeof server.url !== 'string') return '';
  const variables = isRecord(server.variables) ? (server.variables as Json) : {};
  const url = server.url.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const variable = variables[name];
    return isRecord(variable) && variable.default !== undefined ? String(variable.default) : '';
  });
  try {
    return new URL(url, 'http://localhost').pathname;
  } catch {
    return '';
  }
}

function joinBase(base: string, path: string): string {
  const prefix = base.replace(/\/+$/, '');
  return `${prefix}${path.startsWith('/') ? path : `/${path}`}` || '/';
}

/** Follows a local `$ref` (`#/components/...`), up to a few hops; anything else is returned as it is. */
function resolve(doc: Json, value: unknown, hops = 0): unknown {
  if (!isRecord(value) || typeof value.$ref !== 'string' || !value.$ref.startsWith('#/') || hops > 8) return value;
  let at: unknown = doc;
  for (const raw of value.$ref.slice(2).split('/')) {
    if (!isRecord(at)) return undefined;
    at = at[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return resolve(doc, at, hops + 1);
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Where an Express app's OpenAPI document comes from, for warm-up requests its routes accept
 * (path parameters, required queries and headers, valid JSON or form bodies). Express keeps no
 * schemas of its own; an app that documents its API ships the document as a file or serves it.
 *
 * - `openapi: 'openapi.yaml'`: a file (JSON or YAML), relative to the working directory;
 * - `openapi: { url: '/openapi.json' }`: a route of the app, read through the app at warm-up;
 * - `openapi: doc`: the document itself; `openapi: false`: none.
 * - By default: `openapi.json|yaml|yml` or `swagger.json|yaml|yml` in the working directory,
 *   else a GET route named like a document (`/openapi.json`, `/swagger.json`, `/api-docs`,
 *   `/v3/api-docs`, `/docs/json`).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isOpenApiDocument, type RouteWarmupTools, TsuError } from '@tsunicorn/core';

/** The `openapi` adapter option. */
export type OpenApiOption = string | { readonly url: string } | Readonly<Record<string, unknown>> | false;

/** A document found, and where from (for the warm-up report). */
export interface FoundDocument {
  readonly doc: Readonly<Record<string, unknown>>;
  readonly source: string;
}

const SHIPPED = ['openapi.json', 'openapi.yaml', 'openapi.yml', 'swagger.json', 'swagger.yaml', 'swagger.yml'];
const SERVED = /(?:^|\/)(?:openapi|swagger|api-docs)(?:\.(?:json|ya?ml))?$|\/v3\/api-docs$|\/docs\/json$/i;

/**
 * Finds the document. One named in the options that cannot be read or is not an OpenAPI
 * document is an error naming it; one looked for by default that is missing or unreadable is
 * simply not used.
 */
export async function findOpenApi(
  option: OpenApiOption | undefined,
  getRoutes: readonly string[],
  tools: RouteWarmupTools | undefined,
  cwd = process.cwd(),
): Promise<FoundDocument | null> {
  if (option === false) return null;
  if (typeof option === 'string') return { doc: await readDocument(resolve(cwd, option), option), source: option };
  if (isUrlOption(option)) {
    if (!tools) throw invalid(`openapi: GET ${option.url} cannot be read without a listening server`);
    return fetchDocument(tools, option.url, true);
  }
  if (option !== undefined) {
    if (!isOpenApiDocument(option)) throw invalid('openapi must be a file name, { url }, an OpenAPI document or false');
    return { doc: option, source: 'the openapi option' };
  }
  for (const name of SHIPPED) {
    // Looked for, not named: one that is missing or unreadable is simply not used.
    const doc = await readDocument(resolve(cwd, name), name).catch(() => null);
    if (doc) return { doc, source: name };
  }
  if (!tools) return null;
  for (const path of getRoutes.filter((p) => SERVED.test(p)).slice(0, 3)) {
    const found = await fetchDocument(tools, path, false);
    if (found) return found;
  }
  return null;
}

function isUrlOption(option: unknown): option is { readonly url: string } {
  return typeof option === 'object' && option !== null && typeof (option as { url?: unknown }).url === 'string';
}

async function readDocument(path: string, given: string): Promise<Readonly<Record<string, unknown>>> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw invalid(`openapi: cannot read ${given} (${(err as Error).message}); give a path relative to the working directory`);
  }
  const doc = await parseDocument(text, given);
  if (!isOpenApiDocument(doc))
    throw invalid(`openapi: ${given} is not an OpenAPI 3 or Swagger 2.0 document (no "openapi: 3.x" or "swagger: '2.0'" with "paths")`);
  return doc;
}

async function fetchDocument(tools: RouteWarmupTools, url: string, required: boolean): Promise<FoundDocument | null> {
  try {
    const res = await tools.request({ method: 'GET', url });
    const doc = res.status === 200 ? await parseDocument(res.body, url) : undefined;
    if (isOpenApiDocument(doc)) return { doc, source: `GET ${url}` };
    if (required) throw new Error(res.status === 200 ? 'the answer is not an OpenAPI document' : `answered ${res.status}`);
  } catch (err) {
    if (required) throw invalid(`openapi: GET ${url} gave no OpenAPI document: ${(err as Error).message}`);
  }
  return null;
}

/** JSON, else YAML; the YAML parser is loaded only for a document that is not JSON. */
async function parseDocument(text: string, where: string): Promise<unknown> {
  try {
    return JSON.parse(text);
  } catch {
    try {
      const { parse } = await import('yaml');
      return parse(text);
    } catch (err) {
      throw invalid(`openapi: ${where} is neither JSON nor YAML: ${(err as Error).message}`);
    }
  }
}

function invalid(message: string): TsuError {
  return new TsuError('TSU_ERR_INVALID_SETTING', `@tsunicorn/express options: ${message}`);
}

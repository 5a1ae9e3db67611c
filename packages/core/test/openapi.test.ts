/**
 * Warm-up requests from OpenAPI 3 and Swagger 2.0 documents: parameters (shared and own, by
 * `$ref`), required and optional queries and headers, examples before samples, JSON and form
 * bodies, the server's base path; and the path shapes adapters match routes by.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { isOpenApiDocument, openApiOperations, pathShape } from '../src/adapter/openapi.js';

const shop = {
  openapi: '3.1.0',
  info: { title: 'shop', version: '1' },
  servers: [{ url: 'https://api.example.com/{version}', variables: { version: { default: 'v2' } } }],
  paths: {
    '/accounts/{accountId}': {
      parameters: [{ $ref: '#/components/parameters/AccountId' }],
      get: {
        parameters: [
          { name: 'expand', in: 'query', schema: { type: 'string', enum: ['invoices', 'users'] } },
          { name: 'X-Tenant', in: 'header', required: true, schema: { type: 'string', minLength: 3 } },
        ],
      },
      put: {
        requestBody: {
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Account' } } },
        },
      },
    },
    '/search': {
      get: {
        parameters: [
          { name: 'q', in: 'query', required: true, example: 'lamp', schema: { type: 'string' } },
          {
            name: 'tags',
            in: 'query',
            required: true,
            schema: { type: 'array', items: { type: 'string' }, minItems: 2, uniqueItems: true },
          },
        ],
      },
    },
    '/orders': {
      post: {
        requestBody: {
          content: {
            'application/json': {
              schema: { $ref: '#/components/schemas/Order' },
              examples: { small: { value: { sku: 'ABC-1234', quantity: 1 } } },
            },
          },
        },
      },
    },
    '/contact': {
      post: {
        requestBody: {
          content: {
            'application/x-www-form-urlencoded': {
              schema: { type: 'object', required: ['email'], properties: { email: { type: 'string', format: 'email' } } },
            },
          },
        },
      },
    },
  },
  components: {
    parameters: { AccountId: { name: 'accountId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } } },
    schemas: {
      Account: {
        type: 'object',
        required: ['plan', 'owner'],
        properties: { plan: { enum: ['free', 'pro'] }, owner: { $ref: '#/components/schemas/Owner' } },
      },
      Owner: { type: 'object', required: ['email'], properties: { email: { type: 'string', format: 'email' } } },
      Order: {
        type: 'object',
        required: ['sku', 'quantity'],
        properties: { sku: { type: 'string', pattern: '^[A-Z]{3}-\\d{4}$' }, quantity: { type: 'integer', minimum: 1 } },
      },
    },
  },
};

function byLabel(doc: unknown) {
  return Object.fromEntries(openApiOperations(doc).map((op) => [`${op.method} ${op.path}`, op]));
}

describe('openApiOperations on an OpenAPI 3.1 document', () => {
  const ops = byLabel(shop);

  it('lists each operation under the server URL path, with the server variables filled in', () => {
    expect(Object.keys(ops).sort()).toEqual([
      'GET /v2/accounts/{accountId}',
      'GET /v2/search',
      'POST /v2/contact',
      'POST /v2/orders',
      'PUT /v2/accounts/{accountId}',
    ]);
  });

  it('fills a path parameter shared by the path item through its $ref, and sends required headers', () => {
    const [first, fuller] = ops['GET /v2/accounts/{accountId}']!.candidates;
    expect(first).toEqual({
      method: 'GET',
      url: '/v2/accounts/00000000-0000-4000-8000-000000000000',
      headers: { 'x-tenant': 'warmup' },
    });
    // The next variant adds the optional query.
    expect(fuller?.url).toBe('/v2/accounts/00000000-0000-4000-8000-000000000000?expand=invoices');
  });

  it('uses an example before sampling, and repeats an array query parameter', () => {
    const [first] = ops['GET /v2/search']!.candidates;
    const url = new URL(first!.url, 'http://x');
    expect(url.searchParams.get('q')).toBe('lamp');
    const tags = url.searchParams.getAll('tags');
    expect(tags).toHaveLength(2);
    expect(new Set(tags).size).toBe(2);
  });

  it('sends the JSON example of the body first, then a body sampled from its schema that the schema accepts', () => {
    const candidates = ops['POST /v2/orders']!.candidates;
    expect(candidates[0]).toMatchObject({ headers: { 'content-type': 'application/json' }, body: '{"sku":"ABC-1234","quantity":1}' });
    const ajv = new Ajv({ strict: false });
    addFormats(ajv);
    const validate = ajv.compile({ ...shop.components.schemas.Order });
    for (const candidate of candidates.slice(1)) expect(validate(JSON.parse(candidate.body as string))).toBe(true);
  });

  it('samples a nested body through $refs so that the schema accepts it', () => {
    const body = JSON.parse(ops['PUT /v2/accounts/{accountId}']!.candidates[0]!.body as string);
    expect(body).toEqual({ plan: 'free', owner: { email: 'warmup@example.com' } });
  });

  it('encodes a form body when the operation takes no JSON', () => {
    expect(ops['POST /v2/contact']!.candidates[0]).toMatchObject({
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=warmup%40example.com',
    });
  });
});

describe('openApiOperations on a Swagger 2.0 document', () => {
  const swagger = {
    swagger: '2.0',
    basePath: '/api',
    paths: {
      '/pets/{petId}': {
        get: { parameters: [{ name: 'petId', in: 'path', required: true, type: 'integer', minimum: 10 }] },
        post: {
          parameters: [
            { name: 'petId', in: 'path', required: true, type: 'integer' },
            { name: 'pet', in: 'body', schema: { $ref: '#/definitions/Pet' } },
          ],
        },
      },
      '/pets/{petId}/photo': {
        put: {
          parameters: [
            { name: 'petId', in: 'path', required: true, type: 'integer' },
            { name: 'caption', in: 'formData', required: true, type: 'string' },
          ],
        },
      },
    },
    definitions: { Pet: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 2 } } } },
  };
  const ops = byLabel(swagger);

  it('takes a non-body parameter as its own schema, under basePath', () => {
    expect(ops['GET /api/pets/{petId}']!.candidates[0]!.url).toBe('/api/pets/10');
  });

  it('sends the body parameter as JSON, resolved through definitions', () => {
    expect(ops['POST /api/pets/{petId}']!.candidates[0]).toMatchObject({ body: '{"name":"warmup"}' });
  });

  it('sends formData parameters as a form body', () => {
    expect(ops['PUT /api/pets/{petId}/photo']!.candidates[0]).toMatchObject({
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'caption=warmup',
    });
  });
});

describe('documents and path shapes', () => {
  it('tells a document from other JSON', () => {
    expect(isOpenApiDocument(shop)).toBe(true);
    expect(isOpenApiDocument({ swagger: '2.0', paths: {} })).toBe(true);
    expect(isOpenApiDocument({ openapi: '3.0.0' })).toBe(false);
    expect(isOpenApiDocument({ status: 'ok' })).toBe(false);
    expect(openApiOperations({ status: 'ok' })).toEqual([]);
  });

  it('gives an Express path and an OpenAPI template the same shape', () => {
    expect(pathShape('/users/:id')).toBe(pathShape('/users/{userId}'));
    expect(pathShape('/orders/:id(\\d+)')).toBe('/orders/{}');
    expect(pathShape('/files/*path')).toBe('/files/{}');
    expect(pathShape('/a/:x?/')).toBe('/a/{}');
    expect(pathShape('/')).toBe('/');
    expect(pathShape('/users/me')).not.toBe(pathShape('/users/:id'));
  });
});

/** JSON schemas shared by the routes: ajv compiles validators and fast-json-stringify serializers from them in ready(). */

export const user = {
  type: 'object',
  properties: { id: { type: 'integer' }, name: { type: 'string' }, email: { type: 'string' } },
  required: ['id', 'name', 'email'],
};

export const newUser = {
  type: 'object',
  properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, email: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$' } },
  required: ['name', 'email'],
  additionalProperties: false,
};

export const userPatch = {
  type: 'object',
  properties: newUser.properties,
  minProperties: 1,
  additionalProperties: false,
};

export const idParams = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 1 } },
  required: ['id'],
};

export const error = {
  type: 'object',
  properties: { error: { type: 'string' } },
  required: ['error'],
};

export const product = {
  type: 'object',
  properties: { sku: { type: 'string' }, name: { type: 'string' }, category: { type: 'string' }, priceCents: { type: 'integer' } },
  required: ['sku', 'name', 'priceCents'],
};

export const order = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    items: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' }, quantity: { type: 'integer' } } } },
    totalCents: { type: 'integer' },
    dryRun: { type: 'boolean' },
  },
  required: ['items', 'totalCents'],
};

export const newOrder = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: { sku: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } },
        required: ['sku', 'quantity'],
        additionalProperties: false,
      },
    },
  },
  required: ['items'],
  additionalProperties: false,
};

export const item = {
  type: 'object',
  properties: { id: { type: 'integer' }, title: { type: 'string' }, done: { type: 'boolean' } },
  required: ['id', 'title', 'done'],
};
